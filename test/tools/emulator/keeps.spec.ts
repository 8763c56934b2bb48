/**
 * What fal keeps: X-Fal-Store-IO: 0 (no stored payloads, history.js) and the upload lifetime
 * (X-Fal-Object-Lifecycle on the initiation, storage.js), driven through the real @fal-ai/client.
 */
import type { ValidationError } from '@fal-ai/client';
import { caught, emu, fal, input, useRoutedClient } from './client';
import { ENDPOINT_ID } from './server';

useRoutedClient();

const HISTORY = 'https://api.fal.ai/v1/models/requests/by-endpoint';
async function listed() {
	const res = await fetch(`${HISTORY}?endpoint_id=${ENDPOINT_ID}&expand=payloads`, { headers: { authorization: 'Key test-key' } });
	return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

describe('X-Fal-Store-IO', () => {
	it('0: the request is listed without payloads; its result still answers', async () => {
		const kept = await fal.subscribe(ENDPOINT_ID, { input: input({ prompt: 'kept' }), pollInterval: 10 });
		const unkept = await fal.subscribe(ENDPOINT_ID, { input: input({ prompt: 'not kept' }), headers: { 'X-Fal-Store-IO': '0' }, pollInterval: 10 });
		expect(unkept.data.output).toContain('Echo from');
		const submits = emu.requests.filter((r) => r.route === 'submit');
		expect(submits.map((r) => r.headers['x-fal-store-io'])).toEqual([undefined, '0']);
		expect([...emu.jobs.values()].map((job) => job.storeIo)).toEqual([true, false]);

		const items = await listed();
		const byId = new Map(items.map((item) => [item.request_id, item]));
		expect(byId.get(kept.requestId)).toMatchObject({ json_input: input({ prompt: 'kept' }), json_output: kept.data });
		const bare = byId.get(unkept.requestId)!;
		expect(bare).toMatchObject({ request_id: unkept.requestId, status_code: 200 });
		expect(bare.ended_at).toEqual(expect.any(String));
		expect('json_input' in bare || 'json_output' in bare).toBe(false);
	});
});

describe('upload lifetime', () => {
	const audio = () => new Blob([Buffer.from('RIFF....WAVEfmt fake audio')], { type: 'audio/wav' });

	it('expiresIn is sent on the initiation; the file answers 404 once expired, and a job cannot download it', async () => {
		const before = Date.now();
		const url = await fal.storage.upload(audio(), { lifecycle: { expiresIn: 3600 } });
		const initiate = emu.requests.find((r) => r.route === 'initiate')!;
		expect(JSON.parse(initiate.headers['x-fal-object-lifecycle'])).toEqual({ expiration_duration_seconds: 3600 });
		const lifetime = emu.uploadLifetimes.get(url)!;
		expect(lifetime.lifecycle).toEqual({ expiration_duration_seconds: 3600 });
		expect(lifetime.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
		expect(lifetime.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

		emu.advanceCdnClock(3_599_000 - (Date.now() - before));
		expect((await fetch(url)).status).toBe(200);
		emu.advanceCdnClock(2_000);
		expect((await fetch(url)).status).toBe(404);
		const e = await caught(fal.subscribe(ENDPOINT_ID, { input: input({ audio_url: url }), pollInterval: 10 }));
		expect((e as ValidationError).getFieldErrors('audio_url')[0].msg).toMatch(/Failed to download the file/);
	});

	it('no lifecycle ("never" in the client sends none): the file does not expire', async () => {
		const url = await fal.storage.upload(audio(), { lifecycle: { expiresIn: 'never' } });
		expect(emu.requests.find((r) => r.route === 'initiate')!.headers['x-fal-object-lifecycle']).toBeUndefined();
		expect(emu.uploadLifetimes.get(url)).toEqual({ lifecycle: undefined, expiresAt: null });
		emu.advanceCdnClock(400 * 24 * 3_600_000);
		expect((await fetch(url)).status).toBe(200);
	});

	it('multipart: the lifecycle is on initiate-multipart', async () => {
		const big = new Blob([Buffer.alloc(91 * 1024 * 1024, 1)], { type: 'audio/mpeg' });
		const url = await fal.storage.upload(big, { lifecycle: { expiresIn: '1d' } });
		const initiate = emu.requests.find((r) => r.route === 'initiate-multipart')!;
		expect(JSON.parse(initiate.headers['x-fal-object-lifecycle'])).toEqual({ expiration_duration_seconds: 86_400 });
		expect(emu.uploads.get(url)?.size).toBe(big.size);
		emu.advanceCdnClock(86_400_000 + 1000);
		expect((await fetch(url)).status).toBe(404);
	}, 60_000);

	it('a lifecycle header that is not such JSON is a 400 and starts no upload', async () => {
		const res = await fetch('https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', {
			method: 'POST',
			headers: { authorization: 'Key test-key', 'content-type': 'application/json', 'x-fal-object-lifecycle': '{"expiration_duration_seconds": "soon"}' },
			body: JSON.stringify({ content_type: 'audio/wav', file_name: 'a.wav' }),
		});
		expect(res.status).toBe(400);
		expect(emu.uploadLifetimes.size).toBe(0);
	});
});

describe('DELETE request payloads', () => {
	const del = (requestId: string, key: string) =>
		fetch(`https://api.fal.ai/v1/models/requests/${requestId}/payloads`, { method: 'DELETE', headers: { authorization: `Key ${key}`, 'idempotency-key': 'k1' } });

	it('an admin key deletes the payloads: the request stays listed without them; another key is refused', async () => {
		const done = await fal.subscribe(ENDPOINT_ID, { input: input({ prompt: 'to delete' }), pollInterval: 10 });
		const refused = await del(done.requestId, 'test-key');
		expect(refused.status).toBe(403);
		expect(emu.jobs.get(done.requestId)!.payloadsDeletedAt).toBeNull();
		expect((await listed())[0]).toHaveProperty('json_input');

		const deleted = await del(done.requestId, 'admin-key');
		expect(deleted.status).toBe(200);
		expect(await deleted.json()).toEqual({ cdn_delete_results: [] });
		expect(emu.jobs.get(done.requestId)!.payloadsDeletedAt).toEqual(expect.any(Number));
		const [item] = await listed();
		expect(item).toMatchObject({ request_id: done.requestId, status_code: 200 });
		expect(item).not.toHaveProperty('json_input');
		expect(item).not.toHaveProperty('json_output');
		expect((await del('00000000-0000-4000-8000-000000000000', 'admin-key')).status).toBe(404);
	});
});
