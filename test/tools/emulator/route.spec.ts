/** route.js: fal's hosts, and only those, are answered by the emulator. */
import { emu, startSink, useRoutedClient } from './client';
import { rewriteUrl, UPLOAD_HOST } from './route';

useRoutedClient();

describe('route', () => {
	it('rewrites fal hosts only', () => {
		expect(rewriteUrl('http://e', 'https://queue.fal.run/openrouter/router/audio?a=1')).toBe(
			'http://e/queue.fal.run/openrouter/router/audio?a=1',
		);
		expect(rewriteUrl('http://e', 'https://v3b.fal.media/files/b/x/a.wav')).toBe('http://e/v3b.fal.media/files/b/x/a.wav');
		// The signed upload URLs the emulator issues are on a host that is not fal's (storage.js): routed too.
		expect(rewriteUrl('http://e', `https://${UPLOAD_HOST}/files/upload/t?s=1`)).toBe(`http://e/${UPLOAD_HOST}/files/upload/t?s=1`);
		expect(rewriteUrl('http://e', 'https://object-storage.example/files/upload/t')).toBeUndefined();
		expect(rewriteUrl('http://e', 'https://notfal.run/x')).toBeUndefined();
		expect(rewriteUrl('http://e', 'https://example.com/x')).toBeUndefined();
	});

	it('routes URL and Request inputs, and leaves other hosts alone', async () => {
		const sink = await startSink();
		try {
			const viaUrl = await fetch(new URL('https://api.fal.ai/v1/models/pricing'), { headers: { authorization: 'Key test-key' } });
			expect(viaUrl.status).toBe(200);
			const viaRequest = await fetch(
				new Request('https://rest.fal.ai/storage/upload/initiate', {
					method: 'POST',
					headers: { authorization: 'Key test-key', 'content-type': 'application/json' },
					body: JSON.stringify({ content_type: 'audio/wav', file_name: 'r.wav' }),
				}),
			);
			expect(((await viaRequest.json()) as any).file_url).toMatch(/\/r\.wav$/);
			await fetch(`${sink.url}/elsewhere`);
			expect(sink.bodies).toEqual([{ method: 'GET', url: '/elsewhere' }]);
			expect(emu.requests.map((r) => r.route)).toEqual(['pricing', 'initiate']);
			expect(emu.requests[1].body).toEqual({ content_type: 'audio/wav', file_name: 'r.wav' });
		} finally {
			await sink.close();
		}
	});
});
