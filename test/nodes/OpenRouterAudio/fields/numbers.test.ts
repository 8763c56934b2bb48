import { numberOption } from '../../../../nodes/OpenRouterAudio/fields/numbers';
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
