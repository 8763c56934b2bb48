/**
 * Drives the real @fal-ai/client against the fal emulator, so the emulator is checked against the
 * protocol the client actually speaks.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ValidationError, createFalClient, type FalClient } from '@fal-ai/client';

// Plain JS modules (allowJs); their JSDoc types flow through.
import { startFalEmulator, ENDPOINT_ID } from './server';
import { routeFetchToEmulator, rewriteUrl } from './route';
import { defaultAnswer, validateInput } from './validate';

type FalEmulator = Awaited<ReturnType<typeof startFalEmulator>>;

const MODEL = 'google/gemini-3-flash-preview';
const AUDIO_URL = 'https://example.com/a.mp3';
const input = (extra: Record<string, unknown> = {}) => ({
	audio_url: AUDIO_URL,
	prompt: 'Transcribe this audio verbatim.',
	model: MODEL,
	...extra,
});

/** Expected error of a client call (retries included). */
async function caught(p: Promise<unknown>): Promise<ApiError<any>> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ApiError) return e;
		throw e;
	}
	throw new Error('expected the call to fail');
}

/** A local server recording POST bodies (webhook target, pass-through target). */
async function startSink(): Promise<{ url: string; bodies: unknown[]; next: () => Promise<unknown>; close: () => Promise<void> }> {
	const bodies: unknown[] = [];
	const waiters: ((b: unknown) => void)[] = [];
	let read = 0;
	const server: Server = createServer(async (req: IncomingMessage, res) => {
		let text = '';
		for await (const c of req) text += c;
		const body = text ? JSON.parse(text) : { method: req.method, url: req.url };
		bodies.push(body);
		const waiter = waiters.shift();
		if (waiter) {
			read += 1;
			waiter(body);
		}
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		bodies,
		next: () => (read < bodies.length ? Promise.resolve(bodies[read++]) : new Promise((r) => waiters.push(r))),
		close: () => new Promise<void>((r) => {
			server.closeAllConnections();
			server.close(() => r());
		}),
	};
}

let emu: FalEmulator;
let restore: () => void;
let fal: FalClient;

beforeAll(async () => {
	emu = await startFalEmulator();
	restore = routeFetchToEmulator(emu.url); // before createFalClient: the client captures fetch
	fal = createFalClient({ credentials: 'test-key' });
});

afterAll(async () => {
	restore();
	await emu.close();
});

beforeEach(() => {
	emu.reset();
	emu.setLatency(0);
	emu.respondWith(undefined);
});

describe('route', () => {
	it('rewrites fal hosts only', () => {
		expect(rewriteUrl('http://e', 'https://queue.fal.run/openrouter/router/audio?a=1')).toBe(
			'http://e/queue.fal.run/openrouter/router/audio?a=1',
		);
		expect(rewriteUrl('http://e', 'https://v3b.fal.media/files/b/x/a.wav')).toBe('http://e/v3b.fal.media/files/b/x/a.wav');
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

describe('queue', () => {
	it('subscribe (polling) returns the deterministic answer', async () => {
		emu.setLatency(300);
		const updates: string[] = [];
		const result = await fal.subscribe(ENDPOINT_ID, {
			input: input(),
			pollInterval: 20,
			logs: true,
			onQueueUpdate: (u) => updates.push(u.status),
		});
		const expected = defaultAnswer(input());
		expect(result.data).toEqual(expected);
		expect(result.data.output).toBe(`Echo from ${MODEL}: Transcribe this audio verbatim.`);
		expect(result.data.usage).toEqual({ prompt_tokens: 131, completion_tokens: 72, total_tokens: 203, cost: 0.0002 });
		expect(result.requestId).toBe([...emu.jobs.keys()][0]);
		expect(updates).toContain('IN_PROGRESS');
		expect(updates[updates.length - 1]).toBe('COMPLETED');
		const routes = emu.requests.map((r) => r.route);
		expect(routes[0]).toBe('submit');
		expect(routes[routes.length - 1]).toBe('result');
		expect(routes).toContain('status');
		expect(emu.requests[0].headers.authorization).toBe('Key test-key');
		expect(emu.requests[0].body).toEqual(input());
		expect(emu.requests[1].path).toBe(`/openrouter/router/requests/${result.requestId}/status`);
		expect(emu.requests[1].query).toEqual({ logs: '1' });
	});

	it('subscribe (streaming) gets status over SSE, then the result', async () => {
		emu.setLatency(300);
		const updates: any[] = [];
		const result = await fal.subscribe(ENDPOINT_ID, { input: input(), mode: 'streaming', onQueueUpdate: (u) => updates.push(u) });
		expect(result.data.output).toBe(defaultAnswer(input()).output);
		expect(updates.map((u) => u.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
		expect(updates[1].metrics.inference_time).toBeGreaterThanOrEqual(0.29);
		expect(emu.requests.map((r) => r.route)).toEqual(['submit', 'stream', 'result']);
	});

	it('submit + streamStatus + result', async () => {
		emu.setLatency(30);
		const submitted = await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 'Hi' }) });
		expect(submitted.request_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(submitted.status_url).toBe(`https://queue.fal.run/openrouter/router/requests/${submitted.request_id}/status`);
		const stream = await fal.queue.streamStatus(ENDPOINT_ID, { requestId: submitted.request_id });
		const done = await stream.done();
		expect(done.status).toBe('COMPLETED');
		const status = await fal.queue.status(ENDPOINT_ID, { requestId: submitted.request_id });
		expect(status.status).toBe('COMPLETED');
		const result = await fal.queue.result(ENDPOINT_ID, { requestId: submitted.request_id });
		expect(result.data).toEqual(defaultAnswer(input({ prompt: 'Hi' })));
		expect(result.requestId).toBe(submitted.request_id);
	});

	it('result before completion is a 400, unknown ids a 404', async () => {
		emu.setLatency(5000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		const early = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect(early.status).toBe(400);
		expect(early.body).toEqual({ detail: 'Request is still in progress' });
		const unknown = await caught(fal.queue.status(ENDPOINT_ID, { requestId: 'nope' }));
		expect(unknown.status).toBe(404);
	});

	it('validation errors arrive as a 422 on the result, not at submit', async () => {
		const bad = { audio_url: 'ftp://x/a.mp3', prompt: '', model: MODEL, temperature: 3, max_tokens: 0 } as any;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: bad });
		await fal.queue.subscribeToStatus(ENDPOINT_ID, { requestId: request_id, pollInterval: 10 });
		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect(e).toBeInstanceOf(ValidationError);
		expect(e.status).toBe(422);
		const fields = (e as ValidationError).fieldErrors.map((f) => f.loc.join('.'));
		expect(fields.sort()).toEqual(['body.audio_url', 'body.max_tokens', 'body.prompt', 'body.temperature']);
		expect((e as ValidationError).getFieldErrors('temperature')[0].type).toBe('less_than_equal');
	});

	it('rejects a wrong key with 401 and never echoes it', async () => {
		const wrong = createFalClient({ credentials: 'wrong-secret-key' });
		const e = await caught(wrong.subscribe(ENDPOINT_ID, { input: input() }));
		expect(e.status).toBe(401);
		expect(e.body).toEqual({ detail: 'Unauthorized: invalid or missing key' });
		expect(JSON.stringify(e.body)).not.toContain('wrong-secret-key');
		expect(emu.jobs.size).toBe(0);
		const noKey = await fetch('https://queue.fal.run/openrouter/router/audio', { method: 'POST', body: '{}' });
		expect(noKey.status).toBe(401);
	});

	it('cancels a running job', async () => {
		emu.setLatency(10_000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: request_id });
		expect(emu.requests[emu.requests.length - 1]).toMatchObject({ route: 'cancel', method: 'PUT' });
		const job = emu.jobs.get(request_id)!;
		expect(job).toMatchObject({ status: 'COMPLETED', cancelled: true });
		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect(e.status).toBe(400);
		expect(e.body).toEqual({ detail: 'Request was cancelled' });
		const again = await caught(fal.queue.cancel(ENDPOINT_ID, { requestId: request_id }));
		expect(again.status).toBe(400);
		expect(again.body).toEqual({ status: 'ALREADY_COMPLETED' });
	});

	it('respondWith can answer or fail a job', async () => {
		emu.respondWith((inp) =>
			inp.prompt === 'fail'
				? { error: { status: 500, body: { detail: 'model exploded' } } }
				: { output: 'custom', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0 } },
		);
		expect((await fal.subscribe(ENDPOINT_ID, { input: input(), pollInterval: 10 })).data.output).toBe('custom');
		const e = await caught(fal.subscribe(ENDPOINT_ID, { input: input({ prompt: 'fail' }), pollInterval: 10 }));
		expect(e.status).toBe(500);
		expect(e.body).toEqual({ detail: 'model exploded' });
	});

	it('sync run returns the result or the 422 directly', async () => {
		const ok = await fal.run(ENDPOINT_ID, { input: input() });
		expect(ok.data).toEqual(defaultAnswer(input()));
		const e = await caught(fal.run(ENDPOINT_ID, { input: { ...input(), model: undefined } as any }));
		expect(e.status).toBe(422);
		expect((e as ValidationError).fieldErrors).toEqual([{ loc: ['body', 'model'], msg: 'Field required', type: 'missing' }]);
		expect(emu.requests.map((r) => `${r.route} ${r.host}`)).toEqual(['run fal.run', 'run fal.run']);
	});
});

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
		const submit = emu.requests.find((r) => r.route === 'submit')!;
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
		const parts = [Buffer.from('part-one|'), Buffer.from('part-two')];
		const etags = [];
		for (const [i, p] of parts.entries()) {
			const r = await fetch(`${upload_url}/${i + 1}`, { method: 'PUT', body: p });
			etags.push(await r.json());
		}
		expect(etags.map((e: any) => e.partNumber)).toEqual([1, 2]);
		expect(emu.uploads.has(file_url)).toBe(false);
		const done = await fetch(`${upload_url}/complete`, { method: 'POST', body: JSON.stringify({ parts: etags }) });
		expect(done.status).toBe(200);
		expect(emu.uploads.get(file_url)).toMatchObject({
			size: 17,
			sha256: createHash('sha256').update(Buffer.concat(parts)).digest('hex'),
		});
	});
});

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

describe('webhook, pricing', () => {
	it('POSTs the result to fal_webhook', async () => {
		const sink = await startSink();
		try {
			const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: `${sink.url}/hook` });
			expect(emu.requests[0].query).toEqual({ fal_webhook: `${sink.url}/hook` });
			expect(await sink.next()).toEqual({
				request_id,
				gateway_request_id: request_id,
				status: 'OK',
				payload: defaultAnswer(input()),
			});
			await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 5 }), webhookUrl: `${sink.url}/hook` });
			expect(await sink.next()).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' });
		} finally {
			await sink.close();
		}
	});

	it('serves pricing with a valid key only', async () => {
		const url = 'https://api.fal.ai/v1/models/pricing?endpoint_id=openrouter/router/audio';
		const ok = await fetch(url, { headers: { Authorization: 'Key test-key' } });
		expect(await ok.json()).toEqual({
			prices: [{ endpoint_id: ENDPOINT_ID, unit_price: 0.000001, unit: 'tokens', currency: 'USD' }],
			next_cursor: null,
			has_more: false,
		});
		expect((await fetch(url, { headers: { Authorization: 'Key nope' } })).status).toBe(401);
		expect((await fetch(url)).status).toBe(401);
	});
});

describe('faults', () => {
	it('a 500 on submit once fails the call (not retried), the next submit works', async () => {
		const rule = emu.fault({ route: 'submit', status: 500 });
		const e = await caught(fal.queue.submit(ENDPOINT_ID, { input: input() }));
		expect(e.status).toBe(500);
		expect(rule.hits).toBe(1);
		expect(emu.jobs.size).toBe(0);
		await expect(fal.queue.submit(ENDPOINT_ID, { input: input() })).resolves.toHaveProperty('request_id');
		expect(emu.jobs.size).toBe(1);
	});

	it('a dropped submit is retried by the client', async () => {
		emu.fault({ route: 'submit', drop: true });
		const result = await fal.subscribe(ENDPOINT_ID, { input: input(), pollInterval: 10 });
		expect(result.data.output).toContain('Echo from');
		expect(emu.stats().routes.submit).toBe(2);
		expect(emu.jobs.size).toBe(1);
	});

	it('503 with Retry-After, text bodies, delays', async () => {
		emu.fault({ route: 'pricing', status: 503, retryAfter: 7 });
		emu.fault({ route: 'pricing', status: 502, text: '<html>bad gateway</html>' });
		emu.fault({ route: 'pricing', delayMs: 100 });
		const get = () => fetch('https://api.fal.ai/v1/models/pricing', { headers: { Authorization: 'Key test-key' } });
		const a = await get();
		expect([a.status, a.headers.get('retry-after')]).toEqual([503, '7']);
		const b = await get();
		expect([b.status, b.headers.get('content-type'), await b.text()]).toEqual([502, 'text/html; charset=utf-8', '<html>bad gateway</html>']);
		const t0 = Date.now();
		expect((await get()).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
	});

	it('probability faults are deterministic for a seed', async () => {
		const run = async () => {
			emu.reset();
			emu.fault({ route: 'pricing', status: 500, probability: 0.5, times: Infinity });
			const codes = [];
			for (let i = 0; i < 16; i++) {
				codes.push((await fetch('https://api.fal.ai/v1/models/pricing', { headers: { Authorization: 'Key test-key' } })).status);
			}
			return codes;
		};
		const first = await run();
		expect(first).toContain(500);
		expect(first).toContain(200);
		expect(await run()).toEqual(first);
	});
});

describe('concurrency', () => {
	let capped: FalEmulator;
	let unroute: () => void;
	let client: FalClient;
	beforeAll(async () => {
		capped = await startFalEmulator({ concurrency: 2, latencyMs: 150 });
		unroute = routeFetchToEmulator(capped.url);
		client = createFalClient({ credentials: 'test-key' });
	});
	afterAll(async () => {
		unroute();
		await capped.close();
	});

	it('keeps jobs over the cap IN_QUEUE with a queue_position', async () => {
		const submitted = [];
		for (let i = 0; i < 5; i++) submitted.push(await client.queue.submit(ENDPOINT_ID, { input: input({ prompt: `p${i}` }) }));
		expect(submitted.map((s) => (s as any).queue_position)).toEqual([0, 0, 0, 1, 2]);
		const last = await client.queue.status(ENDPOINT_ID, { requestId: submitted[4].request_id });
		expect(last).toMatchObject({ status: 'IN_QUEUE', queue_position: 2 });
		const results = await Promise.all(
			submitted.map(async (s) => {
				await client.queue.subscribeToStatus(ENDPOINT_ID, { requestId: s.request_id, mode: 'streaming' });
				return client.queue.result(ENDPOINT_ID, { requestId: s.request_id });
			}),
		);
		expect(results.map((r) => r.data.output)).toEqual([0, 1, 2, 3, 4].map((i) => `Echo from ${MODEL}: p${i}`));
		expect(capped.stats()).toMatchObject({ peakInProgress: 2, inProgress: 0, queued: 0 });
		const starts = [...capped.jobs.values()].map((j) => j.startedAt!).sort((a, b) => a - b);
		expect(starts[4] - starts[0]).toBeGreaterThanOrEqual(250); // three waves of 150 ms
	});
});
