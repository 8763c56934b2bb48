import { redact } from '../../../../nodes/OpenRouterAudio/errors/redact';
import { normalizeApiKey } from '../../../../nodes/OpenRouterAudio/transport/client';

const KEY = 'fal-secret-key-123:abcdef';

describe('redact', () => {
	test('removes every occurrence of the key', () => {
		expect(redact(`a ${KEY} b ${KEY}`, KEY)).toBe('a *** b ***');
	});
	test('leaves text alone when the key is too short to be a real key', () => {
		expect(redact('abc', 'a')).toBe('abc');
	});
	test.each([[`Key ${KEY}`], [`  ${KEY}\n`], [`KEY ${KEY}`], [`\tkey  ${KEY}\r\n`]])('with the normalised key, removes the key as pasted, %j, raw, URL-encoded and in JSON', (pasted) => {
		const apiKey = normalizeApiKey(pasted);
		expect(apiKey).toBe(KEY);
		for (const text of [`sent ${pasted} here`, `sent Key ${apiKey}`, encodeURIComponent(pasted), JSON.stringify({ header: pasted })]) {
			const out = redact(text, apiKey);
			expect(out).not.toContain(KEY);
			expect(out).not.toContain(encodeURIComponent(KEY));
			expect(out).not.toContain(KEY.split(':')[1]);
		}
	});
});
