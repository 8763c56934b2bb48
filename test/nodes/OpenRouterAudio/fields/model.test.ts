import { readModel } from '../../../../nodes/OpenRouterAudio/fields/model';
import { fakeContext, thrown } from '../../../tools/harness';

const read = (model: unknown) => readModel(fakeContext({ model }), 2);

describe('readModel', () => {
	test.each(['google/gemini-2.5-flash', 'google/gemini-3.1-pro-preview', 'meta-llama/llama-3.3-70b-instruct:free', ' google/gemini-2.5-flash '])(
		'%j is a model ID',
		(value) => {
			expect(read(value)).toBe(value.trim());
		},
	);

	test.each(['google/gemini 2.5 flash', 'gemini-2.5-flash', 'google/', '/gemini', 'google/gemini/extra', 'google\tgemini'])('%j is refused', (value) => {
		expect(thrown(() => read(value))).toBe(`The "Model" field is not a model ID of the form vendor/model: ${JSON.stringify(value.trim())} [item 2]`);
	});

	test('empty and non-text values are named', () => {
		expect(thrown(() => read(''))).toBe('The "Model" field is empty [item 2]');
		expect(thrown(() => read(undefined))).toBe('The "Model" field is empty [item 2]');
		expect(thrown(() => read(3))).toBe('The "Model" field is a number, not a model ID [item 2]');
	});
});
