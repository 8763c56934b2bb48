/** queue.js: submit, status (polling and SSE), result, cancel, sync run, the in-progress cap. */
import { ValidationError, createFalClient, type FalClient } from '@fal-ai/client';
import { caught, emu, fal, input, MODEL, useRoutedClient, type FalEmulator } from './client';
import { routeFetchToEmulator } from './route';
import { startFalEmulator, ENDPOINT_ID } from './server';
import { until } from './use-emulator';
import { defaultAnswer } from './validate';

useRoutedClient();

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
		// 202 while the job is not done, 200 once COMPLETED; the client polls through both.
		const statusCodes = emu.requestsTo('status').map((r) => r.answerStatus);
		expect(statusCodes.length).toBeGreaterThanOrEqual(2);
		expect(statusCodes).toEqual([...statusCodes.slice(0, -1).map(() => 202), 200]);
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

	it('cancels a running job: by default the app stops at once with 499', async () => {
		emu.setLatency(10_000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: request_id });
		expect(emu.requests[emu.requests.length - 1]).toMatchObject({ route: 'cancel', method: 'PUT', answerStatus: 202 });
		const job = emu.jobs.get(request_id)!;
		expect(job).toMatchObject({ status: 'COMPLETED', cancelled: true });
		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect(e.status).toBe(499);
		expect(e.body).toEqual({ detail: 'Request cancelled' });
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
	afterEach(() => {
		capped.reset();
		capped.setConcurrency(2);
		capped.setLatency(150);
		capped.respondWith(undefined);
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

	it('starts normal priority before low, first in first out within each; an unknown priority is a 400', async () => {
		const started: string[] = []; // with one slot, the order the app is called in is the start order
		capped.respondWith((inp) => (started.push(inp.prompt), defaultAnswer(inp)));
		capped.setConcurrency(1);
		capped.setLatency(10_000);
		const blocker = await client.queue.submit(ENDPOINT_ID, { input: input({ prompt: 'blocker' }) });
		const ids: Record<string, string> = {};
		for (const [prompt, priority] of [['low-1', 'low'], ['normal-1', undefined], ['low-2', 'low'], ['normal-2', 'normal']] as const) {
			ids[prompt] = (await client.queue.submit(ENDPOINT_ID, { input: input({ prompt }), priority })).request_id;
		}
		expect(capped.requestsTo('submit').map((r) => r.headers['x-fal-queue-priority'])).toEqual([
			'normal', 'low', 'normal', 'low', 'normal',
		]);
		const positions: Record<string, unknown> = {};
		for (const [prompt, requestId] of Object.entries(ids)) {
			positions[prompt] = ((await client.queue.status(ENDPOINT_ID, { requestId })) as any).queue_position;
		}
		expect(positions).toEqual({ 'normal-1': 0, 'normal-2': 1, 'low-1': 2, 'low-2': 3 });
		expect(capped.requestsTo('status').map((r) => r.answerStatus)).toEqual([202, 202, 202, 202]);

		capped.setLatency(0);
		await client.queue.cancel(ENDPOINT_ID, { requestId: blocker.request_id });
		await until(() => capped.leftRunning().length === 0);
		expect(started).toEqual(['normal-1', 'normal-2', 'low-1', 'low-2']);

		const bad = await fetch(`https://queue.fal.run/${ENDPOINT_ID}`, {
			method: 'POST',
			headers: { authorization: 'Key test-key', 'content-type': 'application/json', 'x-fal-queue-priority': 'urgent' },
			body: JSON.stringify(input()),
		});
		expect([bad.status, await bad.json()]).toEqual([400, { detail: "X-Fal-Queue-Priority must be 'normal' or 'low', got 'urgent'" }]);
		expect(capped.jobs.size).toBe(5);
	});
});
