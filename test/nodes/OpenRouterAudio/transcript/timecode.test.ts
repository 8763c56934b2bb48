import {
	formatClock,
	formatSrtTime,
	formatTimecode,
	formatVttTime,
	parseTimecode,
} from '../../../../nodes/OpenRouterAudio/transcript/timecode';

const seconds = (value: unknown) => {
	const parsed = parseTimecode(value);
	if (!parsed.ok) throw new Error(`expected a time, got: ${parsed.reason}`);
	return parsed.seconds;
};
const reason = (value: unknown) => {
	const parsed = parseTimecode(value);
	if (parsed.ok) throw new Error(`expected a refusal, got ${parsed.seconds}`);
	return parsed.reason;
};

describe('parseTimecode', () => {
	test.each([
		[0, 0],
		[12.5, 12.5],
		['12.5', 12.5],
		['12,5', 12.5],
		['  7 ', 7],
		['3.25s', 3.25],
		['.5', 0.5],
		['01:02', 62],
		['1:02.345', 62.345],
		['75:30', 4530],
		['1:02:03', 3723],
		['01:02:03.5', 3723.5],
		['01:02:03,045', 3723.045],
		['123:00:00.000', 442800],
		['[00:12]', 12],
	])('%p -> %p seconds', (input, expected) => {
		expect(seconds(input)).toBeCloseTo(expected, 9);
	});

	test.each([
		['abc', /"abc" is not a time/],
		['1:2:3:4', /is not a time/],
		['-5', /is not a time/],
		[-5, /negative/],
		[Number.NaN, /not a finite/],
		[Number.POSITIVE_INFINITY, /not a finite/],
		['', /empty/],
		[null, /missing/],
		[undefined, /missing/],
		[true, /a boolean is not a time/],
		[[1, 2], /a list is not a time/],
		['00:61', /61 in its seconds field/],
		['01:75:00', /75 in its minutes field/],
		['12:34 pm', /is not a time/],
	])('refuses %p with a reason', (input, expected) => {
		expect(reason(input)).toMatch(expected);
	});
});

describe('formatTimecode', () => {
	test('SRT uses a comma, VTT a dot, both zero-padded', () => {
		expect(formatSrtTime(62.345)).toBe('00:01:02,345');
		expect(formatVttTime(62.345)).toBe('00:01:02.345');
		expect(formatTimecode(0, ',')).toBe('00:00:00,000');
	});

	test('rounds to the millisecond and carries into minutes and hours', () => {
		expect(formatSrtTime(59.9996)).toBe('00:01:00,000');
		expect(formatSrtTime(59.9994)).toBe('00:00:59,999');
		expect(formatSrtTime(3599.9995)).toBe('01:00:00,000');
		expect(formatSrtTime(1.0005)).toBe('00:00:01,001');
	});

	test('floating-point sums of parsed times format exactly', () => {
		expect(formatSrtTime(seconds('01:02:03,045'))).toBe('01:02:03,045');
		expect(formatVttTime(0.1 + 0.2)).toBe('00:00:00.300');
	});

	test('hours grow past 99 instead of wrapping', () => {
		expect(formatSrtTime(100 * 3600 + 1.5)).toBe('100:00:01,500');
	});

	test('negative input never yields a negative time code', () => {
		expect(formatVttTime(-3)).toBe('00:00:00.000');
	});
});

describe('formatClock', () => {
	test('m:ss under an hour, h:mm:ss from one hour on, whole seconds', () => {
		expect(formatClock(0)).toBe('0:00');
		expect(formatClock(62.9)).toBe('1:02');
		expect(formatClock(59.9996)).toBe('1:00');
		expect(formatClock(3723.2)).toBe('1:02:03');
	});
});
