/** storage.js: single and multipart uploads to fal's CDN, and their URLs as audio_url. */
import { createHash } from 'node:crypto';
import type { ValidationError } from '@fal-ai/client';
import { caught, emu, fal, input, useRoutedClient } from './client';
import { UPLOAD_HOST } from './storage';
import { ENDPOINT_ID } from './server';

useRoutedClient();

describe('storage', () => {
	it('uploads a Blob and accepts its URL as audio_url', async () => {
		const bytes = Buffer.from('RIFF....WAVEfmt fake audio');
		const url = await fal.storage.upload(new Blob([bytes], { type: 'audio/wav' }));
		expect(url).toMatch(/^https:\/\/v3b\.fal\.media\/files\/b\/[0-9a-f]+\/\d+\.wav$/);
		expect(emu.uploads.get(url)).toEqual({
			contentType: 'audio/wav',
			fileName: url.split('/').pop(),
			size: bytes.length,
			sha256: createHash('sha256').update(bytes).digest('hex'),
		});
		expect(emu.requests.map((r) => r.route)).toEqual(['initiate', 'upload']);
		expect(emu.requests[0].query).toEqual({ storage_type: 'fal-cdn-v3' });
		expect(emu.requests[1].headers.authorization).toBeUndefined();
		// The bytes went to the initiation's upload_url, on a host that is not fal's (fal's docs do not name it).
		expect(emu.requests[1].host).toBe(UPLOAD_HOST);
		expect(UPLOAD_HOST).not.toMatch(/fal\.(ai|run|media)$/);
		expect((await fetch(url)).status).toBe(200);

		const result = await fal.subscribe(ENDPOINT_ID, { input: input({ audio_url: url }), pollInterval: 10 });
		expect(result.data.output).toContain('Echo from');

		const unknown = url.replace(/\/b\/[0-9a-f]+\//, '/b/deadbeef/');
		expect((await fetch(unknown)).status).toBe(404);
		const e = await caught(fal.subscribe(ENDPOINT_ID, { input: input({ audio_url: unknown }), pollInterval: 10 }));
		expect((e as ValidationError).getFieldErrors('audio_url')).toHaveLength(1);
	});

	it('client auto-uploads a Blob input; 50 MB is hashed, not kept', async () => {
		const big = Buffer.alloc(50 * 1024 * 1024, 7);
		const result = await fal.subscribe(ENDPOINT_ID, {
			input: input({ audio_url: new Blob([big], { type: 'audio/mpeg' }) }) as any,
			pollInterval: 10,
		});
		expect(result.data.output).toContain('Echo from');
		const [upload] = [...emu.uploads.values()];
		expect(upload.size).toBe(big.length);
		expect(upload.sha256).toBe(createHash('sha256').update(big).digest('hex'));
		const submit = emu.requestsTo('submit')[0]!;
		expect((submit.body as any).audio_url).toBe([...emu.uploads.keys()][0]);
	});

	it('multipart upload: parts, complete, whole-file sha256', async () => {
		const auth = { authorization: 'Key test-key', 'content-type': 'application/json' };
		const init = await fetch('https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3', {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ content_type: 'audio/flac', file_name: 'big.flac' }),
		});
		const { upload_url, file_url } = (await init.json()) as any;
		// Parts and completion as the fal client addresses them: <origin><path>/<n><query> (its storage.js).
		const signed = new URL(upload_url);
		const at = (tail: string | number) => `${signed.origin}${signed.pathname}/${tail}${signed.search}`;
		expect(signed.host).toBe(UPLOAD_HOST);
		const parts = [Buffer.from('part-one|'), Buffer.from('part-two')];
		const etags = [];
		for (const [i, p] of parts.entries()) {
			const r = await fetch(at(i + 1), { method: 'PUT', body: p });
			etags.push(await r.json());
		}
		expect(etags.map((e: any) => e.partNumber)).toEqual([1, 2]);
		expect(emu.uploads.has(file_url)).toBe(false);
		const done = await fetch(at('complete'), { method: 'POST', body: JSON.stringify({ parts: etags }) });
		expect(done.status).toBe(200);
		expect(emu.uploads.get(file_url)).toMatchObject({
			size: 17,
			sha256: createHash('sha256').update(Buffer.concat(parts)).digest('hex'),
		});
	});
});
