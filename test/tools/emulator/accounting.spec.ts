/**
 * The emulator's own records (what fal would bill, what a client received), driven by the real
 * @fal-ai/client: jobs per item, jobs left running, undelivered results, cancels, queue peaks.
 */
import { ENDPOINT_ID } from './server';
import { defaultAnswer } from './validate';
import { caught, input, until, useEmulator } from './use-emulator';

const ctx = useEmulator({ itemKey: (inp) => inp?.prompt });

describe('job records', () => {
	it('records key, input, timestamps and deliveries of a job', async () => {
		const { emu, fal } = ctx;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('item-7') });
		const job = emu.jobs.get(request_id)!;
		expect(job).toMatchObject({ key: 'item-7', input: input('item-7'), deliveries: 0, cancelled: false });
		await until(() => job.status === 'COMPLETED');
		expect(job.createdAt).toBeLessThanOrEqual(job.startedAt!);
		expect(job.startedAt).toBeLessThanOrEqual(job.completedAt!);
		expect(emu.undelivered()).toEqual([job]);
		await fal.queue.result(ENDPOINT_ID, { requestId: request_id });
		await fal.queue.result(ENDPOINT_ID, { requestId: request_id });
		expect(job.deliveries).toBe(2);
		expect(emu.undelivered()).toEqual([]);
	});

	it('jobsBy groups jobs per item in submit order', async () => {
		const { emu, fal } = ctx;
		for (const p of ['a', 'b', 'a']) await fal.queue.submit(ENDPOINT_ID, { input: input(p) });
		const byKey = emu.jobsBy((j) => j.key);
		expect([...byKey.keys()]).toEqual(['a', 'b']);
		expect(byKey.get('a')!.map((j) => j.index)).toEqual([0, 2]);
		expect(emu.jobsBy((j) => (j.input as { model: string }).model).size).toBe(1);
		expect(emu.jobsPerItem()).toEqual({ a: 2, b: 1 });
	});

	it('requestsTo lists the requests of one route, in arrival order', async () => {
		const { emu, fal } = ctx;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('a') });
		await fal.queue.submit(ENDPOINT_ID, { input: input('b') });
		await fal.queue.status(ENDPOINT_ID, { requestId: request_id });
		expect(emu.requestsTo('submit').map((request) => (request.body as { prompt: string }).prompt)).toEqual(['a', 'b']);
		expect(emu.requestsTo('status').map((request) => request.path)).toEqual([expect.stringContaining(request_id)]);
		expect(emu.requestsTo('cancel')).toEqual([]);
	});

	it('a sync run counts as a delivery; an aborted one is cancelled, not undelivered', async () => {
		const { emu, fal } = ctx;
		await fal.run(ENDPOINT_ID, { input: input('sync') });
		expect([...emu.jobs.values()].map((j) => j.deliveries)).toEqual([1]);
		emu.setLatency(5000);
		const abort = new AbortController();
		const running = caught(fal.run(ENDPOINT_ID, { input: input('aborted'), abortSignal: abort.signal }));
		await until(() => emu.leftRunning().length === 1);
		abort.abort();
		await running;
		await until(() => emu.leftRunning().length === 0);
		expect(emu.jobsBy((j) => j.key).get('aborted')![0]).toMatchObject({ cancelled: true, cancelledWhile: 'IN_PROGRESS' });
		expect(emu.undelivered()).toEqual([]);
	});
});

describe('cancel, as fal documents it', () => {
	it('a queued job is removed and never runs: 202 CANCELLATION_REQUESTED', async () => {
		const { emu, fal } = ctx;
		emu.setConcurrency(1);
		emu.setLatency(10_000);
		const first = await fal.queue.submit(ENDPOINT_ID, { input: input('first') });
		const queued = await fal.queue.submit(ENDPOINT_ID, { input: input('queued') });
		expect(emu.leftRunning().map((j) => j.status)).toEqual(['IN_PROGRESS', 'IN_QUEUE']);
		const res = await fetch(`https://queue.fal.run/openrouter/router/requests/${queued.request_id}/cancel`, {
			method: 'PUT',
			headers: { authorization: 'Key test-key' },
		});
		expect([res.status, await res.json()]).toEqual([202, { status: 'CANCELLATION_REQUESTED' }]);
		const job = emu.jobs.get(queued.request_id)!;
		expect(job).toMatchObject({
			status: 'COMPLETED', cancelled: true, cancelledWhile: 'IN_QUEUE', endedUnstarted: 'cancelled', startedAt: null,
		});
		expect(job.cancelRequestedAt).not.toBeNull();
		expect(job.cancelledAt).not.toBeNull();
		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: queued.request_id }));
		expect([e.status, e.body]).toEqual([400, { detail: 'Request was cancelled' }]);
		// The slot it waited for frees up: it still never runs.
		await fal.queue.cancel(ENDPOINT_ID, { requestId: first.request_id });
		expect(emu.jobs.get(first.request_id)).toMatchObject({ cancelled: true, cancelledWhile: 'IN_PROGRESS', endedUnstarted: null });
		expect(job.startedAt).toBeNull();
		expect(emu.leftRunning()).toEqual([]);
		expect(emu.undelivered()).toEqual([]);
		expect(emu.billed().map((j) => j.key)).toEqual(['first']); // it ran until stopped; the queued one never did
	});

	it('a running job only gets the signal: a cancellation-aware app stops with 499, another runs on; both billed', async () => {
		const { emu, fal } = ctx;
		let release = () => {};
		const running = new Promise<void>((r) => (release = r)); // jobs stay IN_PROGRESS until released
		emu.respondWith(async (inp) => (await running, defaultAnswer(inp)));
		emu.setCancelBehaviour((inp) => (inp.prompt === 'aware' ? 'stop' : 'ignore'));
		const aware = await fal.queue.submit(ENDPOINT_ID, { input: input('aware') });
		const deaf = await fal.queue.submit(ENDPOINT_ID, { input: input('deaf') });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: aware.request_id });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: deaf.request_id });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: deaf.request_id }); // asked again: same answer
		expect(emu.cancelRequests.map((c) => [c.jobStatus, c.status, c.answer])).toEqual([
			['IN_PROGRESS', 202, { status: 'CANCELLATION_REQUESTED' }],
			['IN_PROGRESS', 202, { status: 'CANCELLATION_REQUESTED' }],
			['IN_PROGRESS', 202, { status: 'CANCELLATION_REQUESTED' }],
		]);
		const awareJob = emu.jobs.get(aware.request_id)!;
		const deafJob = emu.jobs.get(deaf.request_id)!;
		expect(awareJob).toMatchObject({ status: 'COMPLETED', cancelled: true, cancelledWhile: 'IN_PROGRESS', endedUnstarted: null });
		expect(awareJob.cancelRequestedAt).toBe(emu.cancelRequests[0].at);
		expect(deafJob).toMatchObject({ status: 'IN_PROGRESS', cancelled: false, cancelledAt: null, cancelledWhile: 'IN_PROGRESS' });
		expect(deafJob.cancelRequestedAt).toBe(emu.cancelRequests[1].at); // the first 202

		const stopped = await caught(fal.queue.result(ENDPOINT_ID, { requestId: aware.request_id }));
		expect([stopped.status, stopped.body]).toEqual([499, { detail: 'Request cancelled' }]);
		release();
		await until(() => deafJob.status === 'COMPLETED');
		expect(deafJob.cancelled).toBe(false);
		expect(emu.undelivered()).toEqual([deafJob]); // it ran on: a result paid for that nobody fetched yet
		expect((await fal.queue.result(ENDPOINT_ID, { requestId: deaf.request_id })).data).toEqual(defaultAnswer(input('deaf')));
		expect(emu.billed()).toEqual([awareJob, deafJob]);
	});

	it('a finished job answers 400 ALREADY_COMPLETED; an unknown id 404 NOT_FOUND; all recorded', async () => {
		const { emu, fal } = ctx;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		await until(() => emu.leftRunning().length === 0);
		const e = await caught(fal.queue.cancel(ENDPOINT_ID, { requestId: request_id }));
		expect([e.status, e.body]).toEqual([400, { status: 'ALREADY_COMPLETED' }]);
		expect(emu.jobs.get(request_id)!.cancelled).toBe(false);
		const unknown = await caught(fal.queue.cancel(ENDPOINT_ID, { requestId: 'nope' }));
		expect([unknown.status, unknown.body]).toEqual([404, { status: 'NOT_FOUND' }]);
		expect(emu.cancelRequests.map((c) => [c.requestId, c.jobStatus, c.status])).toEqual([
			[request_id, 'COMPLETED', 400],
			['nope', null, 404],
		]);
		expect(emu.jobs.get(request_id)!.cancelRequests).toHaveLength(1);
	});
});

describe('billing', () => {
	it('billed(): jobs that ran and ended below 500, whatever the answer; not the 5xx ones', async () => {
		const { emu, fal } = ctx;
		emu.respondWith((inp) => (inp.prompt === 'crash' ? { error: { status: 503, body: { detail: 'runner lost' } } } : defaultAnswer(inp)));
		for (const p of ['ok', '', 'crash']) await fal.queue.submit(ENDPOINT_ID, { input: input(p) }); // '' fails validation: 422
		await until(() => emu.leftRunning().length === 0);
		expect([...emu.jobs.values()].map((j) => [j.key, j.result!.status])).toEqual([['ok', 200], ['', 422], ['crash', 503]]);
		expect(emu.billed().map((j) => j.key)).toEqual(['ok', '']);
	});
});

describe('account concurrency', () => {
	it('setConcurrency at runtime: peakQueued, queue_position, and a raise starts waiting jobs', async () => {
		const { emu, fal } = ctx;
		emu.setConcurrency(1);
		emu.setLatency(10_000);
		const ids = [];
		for (const p of ['a', 'b', 'c']) ids.push((await fal.queue.submit(ENDPOINT_ID, { input: input(p) })).request_id);
		expect(await fal.queue.status(ENDPOINT_ID, { requestId: ids[2] })).toMatchObject({ status: 'IN_QUEUE', queue_position: 1 });
		expect(emu.stats()).toMatchObject({ inProgress: 1, queued: 2, peakQueued: 2, concurrency: 1 });
		const stream = await fetch(`https://queue.fal.run/openrouter/router/requests/${ids[1]}/status/stream`, {
			headers: { authorization: 'Key test-key' },
		});
		const reader = stream.body!.getReader();
		const first = new TextDecoder().decode((await reader.read()).value);
		expect(JSON.parse(first.replace(/^data: /, ''))).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
		await reader.cancel();
		emu.setConcurrency(3);
		expect(emu.stats()).toMatchObject({ inProgress: 3, queued: 0, peakQueued: 2, peakInProgress: 3 });
		expect(emu.leftRunning()).toHaveLength(3);
		for (const requestId of ids) await fal.queue.cancel(ENDPOINT_ID, { requestId });
		expect(emu.leftRunning()).toEqual([]);
	});
});
