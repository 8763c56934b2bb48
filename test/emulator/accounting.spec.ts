/**
 * The emulator's own records (what fal would bill, what a client received), driven by the real
 * @fal-ai/client: jobs per item, jobs left running, undelivered results, cancels, queue peaks.
 */
import { ENDPOINT_ID } from './server';
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
		expect(job).toMatchObject({ status: 'COMPLETED', cancelled: true, cancelledWhile: 'IN_QUEUE', startedAt: null });
		expect(job.cancelledAt).not.toBeNull();
		// The slot it waited for frees up: it still never runs.
		await fal.queue.cancel(ENDPOINT_ID, { requestId: first.request_id });
		expect(emu.jobs.get(first.request_id)).toMatchObject({ cancelled: true, cancelledWhile: 'IN_PROGRESS' });
		expect(job.startedAt).toBeNull();
		expect(emu.leftRunning()).toEqual([]);
		expect(emu.undelivered()).toEqual([]);
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
