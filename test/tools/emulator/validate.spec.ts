/** validate.js: the endpoint's input schema, answered as fal's 422 field errors. */
import { input } from './client';
import { validateInput } from './validate';

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
