import { boundsHint, numberOption, readNumberField } from '../../../../nodes/OpenRouterAudio/fields/numbers';
import { fakeContext, thrown } from '../../../tools/harness';

const rule = { min: 0, max: 2, hint: 'Use 0 to 2.' };
const read = (value: unknown) => numberOption(fakeContext({}), 3, value, 'Temperature', rule);

describe('numberOption', () => {
	test.each([
		[0.7, 0.7],
		['0.7', 0.7],
		[' 1.5 ', 1.5],
		['+1', 1],
		['.5', 0.5],
		['2.', 2],
		[0, 0],
	])('%j is read as %d', (value, expected) => {
		expect(read(value)).toBe(expected);
	});

	test.each([
		['0x1', '"0x1"'],
		['1e3x', '"1e3x"'],
		['1e0', '"1e0"'],
		[' ', '" "'],
		['', '""'],
		['Infinity', '"Infinity"'],
		['1,5', '"1,5"'],
		['0b1', '"0b1"'],
		[NaN, 'NaN'],
		[Infinity, 'Infinity'],
		[true, 'true'],
		[null, 'null'],
		[[1], '[1]'],
	])('%j is not a number, shown as %s', (value, shown) => {
		expect(thrown(() => read(value))).toBe(`The "Temperature" option is ${shown}, which is not a number [item 3]`);
	});

	test('a number out of range is named as it is', () => {
		expect(thrown(() => read(2.5))).toBe('The "Temperature" option is 2.5, which is not allowed [item 3]');
		expect(thrown(() => read('-1'))).toBe('The "Temperature" option is "-1", which is not allowed [item 3]');
	});

	test('integers only where asked', () => {
		const integer = (value: unknown) => numberOption(fakeContext({}), 0, value, 'Max Tokens', { min: 1, integer: true, hint: '' });
		expect(integer('100')).toBe(100);
		expect(thrown(() => integer('1.5'))).toBe('The "Max Tokens" option is "1.5", which is not allowed [item 0]');
	});
});

describe('readNumberField: the run checks what the field shows', () => {
	const field = (typeOptions: Record<string, number>) =>
		({ displayName: 'Size', name: 'size', type: 'number', default: 5, typeOptions }) as Parameters<typeof readNumberField>[2];
	const read = (f: ReturnType<typeof field>, value: unknown) => readNumberField(fakeContext({}), 1, f, value);

	test('the bounds of typeOptions, inclusive; unset is the default', () => {
		const f = field({ minValue: 1, maxValue: 1024 });
		expect(read(f, 1)).toBe(1);
		expect(read(f, '1024')).toBe(1024);
		expect(read(f, undefined)).toBe(5);
		expect(thrown(() => read(f, 0.5))).toBe('The "Size" option is 0.5, which is not allowed [item 1]');
		expect(boundsHint(f, { unit: 'megabytes' })).toBe('Use a number of megabytes from 1 to 1024.');
	});

	test('numberPrecision 0 is whole numbers; 2 is at most 2 decimals', () => {
		const whole = field({ minValue: 0, numberPrecision: 0 });
		expect(thrown(() => read(whole, 1.5))).toBe('The "Size" option is 1.5, which is not allowed [item 1]');
		expect(boundsHint(whole, { meaning: { 0: 'none' }, also: 'Or leave it out.' })).toBe('Use a whole number, at least 0 (none). Or leave it out.');
		const cents = field({ minValue: 0, maxValue: 2, numberPrecision: 2 });
		expect(read(cents, 0.07)).toBe(0.07);
		expect(read(cents, '1.25')).toBe(1.25);
		expect(thrown(() => read(cents, 0.125))).toBe('The "Size" option is 0.125, which is not allowed [item 1]');
		expect(boundsHint(cents)).toBe('Use a number from 0 to 2, with at most 2 decimals.');
	});
});
