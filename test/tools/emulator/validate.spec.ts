/** validate.js: the endpoint's input schema, answered as fal's 422 field errors; the default answer. */
import { input } from './client';
import { defaultAnswer, JSON_MARKER, validateInput } from './validate';

describe('validation', () => {
	const known = () => false;
	it.each([
		['data:audio/wav;base64,UklGRg==', true],
		['data:audio/wav;base64,UklGRg=', false],
		['data:audio/wav;base64,', false],
		['data:,hello%20world', true],
		['data:audio/wav;base64,@@@@', false],
		['https://example.com/a.mp3', true],
		['http://example.com/a.mp3', true],
		['not a url', false],
		['https://v3b.fal.media/files/b/unknown/a.wav', false],
	])('audio_url %s valid=%s', (audio_url, valid) => {
		expect(validateInput(input({ audio_url }), known).length === 0).toBe(valid);
	});

	it('checks optional fields', () => {
		const locs = (extra: Record<string, unknown>) => validateInput(input(extra), known).map((e) => e.loc[1]);
		expect(locs({ system_prompt: 'x', reasoning: true, temperature: 0, max_tokens: 1 })).toEqual([]);
		expect(locs({ temperature: 2 })).toEqual([]);
		expect(locs({ temperature: -0.1 })).toEqual(['temperature']);
		expect(locs({ max_tokens: 1.5 })).toEqual(['max_tokens']);
		expect(locs({ reasoning: 'yes' })).toEqual(['reasoning']);
		expect(locs({ system_prompt: 1 })).toEqual(['system_prompt']);
		expect(validateInput('x', known)).toEqual([{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }]);
	});
});

describe('the default answer', () => {
	const INSTRUCTION = `${JSON_MARKER}, without code fences or any other text.`;

	test('a prompt that asks for JSON (Output Format JSON) gets a small JSON object, echoing the prompt without the instruction', () => {
		const answer = defaultAnswer(input({ prompt: `List the speakers.\nTarget language: German.\n${INSTRUCTION}` }));
		expect(JSON.parse(answer.output)).toEqual({ answer: `Echo from ${input().model}: List the speakers.\nTarget language: German.` });
		// Usage is counted from the answer given, as for any answer.
		expect(answer.usage.completion_tokens).toBe(answer.output.length);
	});

	test('any other prompt gets the plain echo, even one that mentions JSON', () => {
		for (const prompt of ['Transcribe this audio verbatim.', 'Answer as a JSON object with two keys.']) {
			expect(defaultAnswer(input({ prompt })).output).toBe(`Echo from ${input().model}: ${prompt}`);
		}
	});
});
