import { Redactor } from '../../../../nodes/OpenRouterAudio/lib/redact';
import { normalizeApiKey } from '../../../../nodes/OpenRouterAudio/transport/client';
import { keyRedactor } from '../../../../nodes/OpenRouterAudio/transport/session';

const KEY = 'fal-secret-key-123:abcdef';

async function streamed(redactor: Redactor, chunks: string[]): Promise<string[]> {
	const encoder = new TextEncoder();
	const source = new ReadableStream<Uint8Array>({
		start(controller) {
			for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
			controller.close();
		},
	});
	const out: string[] = [];
	const decoder = new TextDecoder();
	for await (const chunk of redactor.stream(source) as unknown as AsyncIterable<Uint8Array>) out.push(decoder.decode(chunk));
	return out;
}

describe('Redactor', () => {
	test('removes every occurrence of the key', () => {
		expect(keyRedactor(KEY).text(`a ${KEY} b ${KEY}`)).toBe('a *** b ***');
	});

	test('leaves text alone when the key is too short to be a real key', () => {
		expect(new Redactor(['a']).text('abc')).toBe('abc');
	});

	test.each([[`Key ${KEY}`], [`  ${KEY}\n`], [`KEY ${KEY}`], [`\tkey  ${KEY}\r\n`]])('with the normalised key, removes the key as pasted, %j, raw, URL-encoded and in JSON', (pasted) => {
		const apiKey = normalizeApiKey(pasted);
		expect(apiKey).toBe(KEY);
		for (const text of [`sent ${pasted} here`, `sent Key ${apiKey}`, encodeURIComponent(pasted), JSON.stringify({ header: pasted })]) {
			const out = keyRedactor(apiKey).text(text);
			expect(out).not.toContain(KEY);
			expect(out).not.toContain(encodeURIComponent(KEY));
			expect(out).not.toContain(KEY.split(':')[1]);
		}
	});

	test('a stream loses the key also when it is split across chunks, and passes other text on at once', async () => {
		const event = `data: {"status":"IN_QUEUE","logs":[{"message":"Authorization: Key ${KEY}"}]}\n\n`;
		// Cut at every position: the key (or "Key ") split in two, or one chunk ending right before it.
		for (let cut = 1; cut < event.length; cut++) {
			const out = await streamed(keyRedactor(KEY), [event.slice(0, cut), event.slice(cut), 'data: {"status":"COMPLETED"}\n\n']);
			expect(out.join('')).toBe(`data: {"status":"IN_QUEUE","logs":[{"message":"Authorization: ***"}]}\n\ndata: {"status":"COMPLETED"}\n\n`);
		}
		// An event that cannot be the start of the key is not held back: each chunk comes out whole.
		expect(await streamed(keyRedactor(KEY), ['data: {"status":"IN_QUEUE"}\n\n', 'data: {"status":"COMPLETED"}\n\n'])).toEqual([
			'data: {"status":"IN_QUEUE"}\n\n',
			'data: {"status":"COMPLETED"}\n\n',
		]);
	});
});
