import { describeType, excerpt, unfence } from '../../../../nodes/OpenRouterAudio/lib/text';

describe('unfence', () => {
	test.each([
		['```json\n[1,2]\n```', '[1,2]'],
		['```\n{"a":1}\n```\n', '{"a":1}'],
		['  {"a":1}  ', '{"a":1}'],
		['text with ``` inside', 'text with ``` inside'],
		// A sentence before or after the fence, as models write it.
		['Here it is:\n```json\n{"a":1}\n```\nDone.', '{"a":1}'],
	])('%j -> %j', (input, expected) => {
		expect(unfence(input)).toBe(expected);
	});
});

describe('excerpt', () => {
	test('folds whitespace onto one line and marks a cut', () => {
		expect(excerpt('  a\n\tb  ')).toBe('a b');
		expect(excerpt('x'.repeat(205))).toBe(`${'x'.repeat(200)}…`);
		expect(excerpt('abcdef', 3)).toBe('abc…');
	});
});

describe('describeType', () => {
	test.each([
		[null, 'null'],
		[[1], 'an array'],
		[{}, 'an object'],
		[3, 'a number'],
		[true, 'a boolean'],
	])('%j is %s', (value, named) => {
		expect(describeType(value)).toBe(named);
	});
});
