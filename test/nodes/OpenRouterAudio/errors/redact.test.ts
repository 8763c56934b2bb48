import { redact } from '../../../../nodes/OpenRouterAudio/errors/redact';

const KEY = 'fal-secret-key-123:abcdef';

describe('redact', () => {
	test('removes every occurrence of the key', () => {
		expect(redact(`a ${KEY} b ${KEY}`, KEY)).toBe('a *** b ***');
	});
	test('leaves text alone when the key is too short to be a real key', () => {
		expect(redact('abc', 'a')).toBe('abc');
	});
});
