/**
 * The start timeout (X-Fal-Request-Timeout / X-Fal-Request-Start-Timeout), as fal documents it
 * (docs.fal.ai/documentation/model-apis/common-parameters): a server-side deadline to start, counted
 * from the submit, driven by the real @fal-ai/client's `startTimeout`.
 */
import { ENDPOINT_ID } from './server';
import { caught, input, until, useEmulator } from './use-emulator';

const ctx = useEmulator({ concurrency: 1 });

describe('start timeout', () => {
	it('a request not started by its deadline never runs; its result is the 504 the client reads as a user timeout', async () => {
		const { emu, fal } = ctx;
		emu.setLatency(10_000);
		await fal.queue.submit(ENDPOINT_ID, { input: input('blocker') });
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('waits'), startTimeout: 1.1 });
		const run = caught(fal.run(ENDPOINT_ID, { input: input('sync'), startTimeout: 1.1 }));
		const job = emu.jobs.get(request_id)!;
		expect(emu.requestsTo('submit').find((r) => (r.body as any)?.prompt === 'waits')!.headers['x-fal-request-timeout']).toBe('1.1');
		expect(job.startDeadline).toBe(job.createdAt + 1100);

		await until(() => emu.leftRunning().length === 1, 15_000); // only the blocker is left
		expect(job).toMatchObject({ status: 'COMPLETED', startedAt: null, endedUnstarted: 'start-timeout', cancelled: false });
		expect(job.completedAt).toBeGreaterThanOrEqual(job.startDeadline!);
		expect(await fal.queue.status(ENDPOINT_ID, { requestId: request_id })).toMatchObject({ status: 'COMPLETED' });

		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect(e.isUserTimeout).toBe(true);
		expect([e.status, e.body]).toEqual([504, { detail: 'Request timed out before it started', error_type: 'request_timeout' }]);
		expect(emu.requestsTo('result').map((r) => r.answerStatus)).toEqual([504]); // not retried: the client knows it is final
		const synced = await run;
		expect([synced.isUserTimeout, synced.status]).toEqual([true, 504]);
		expect(emu.stats().routes.run).toBe(1);

		expect(emu.undelivered()).toEqual([]); // it never ran: nothing was paid for and thrown away
		expect(emu.billed()).toEqual([]); // neither did the sync one; the blocker is still running
		expect(emu.startedAfterDeadline()).toEqual([]);
	}, 20_000);

	it('a request that started runs to its end, whatever its deadline', async () => {
		const { emu, fal } = ctx;
		emu.setLatency(1500);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('starts at once'), startTimeout: 1.1 });
		const job = emu.jobs.get(request_id)!;
		await until(() => job.status === 'COMPLETED', 15_000);
		expect(job.completedAt).toBeGreaterThan(job.startDeadline!);
		expect(job.endedUnstarted).toBeNull();
		expect((await fal.queue.result(ENDPOINT_ID, { requestId: request_id })).data.output).toContain('starts at once');
	}, 20_000);

	it('never starts a request late, even when a slot frees before the deadline timer has fired', async () => {
		const { emu, fal } = ctx;
		emu.setLatency(10_000);
		await fal.queue.submit(ENDPOINT_ID, { input: input('blocker') });
		// The newer header name, sent through the client's own headers (its startTimeout takes more than 1 s).
		const late = await fal.queue.submit(ENDPOINT_ID, { input: input('late'), headers: { 'X-Fal-Request-Start-Timeout': '0.2' } });
		const fresh = await fal.queue.submit(ENDPOINT_ID, { input: input('fresh'), startTimeout: 60 });
		const lateJob = emu.jobs.get(late.request_id)!;
		expect(lateJob.startDeadline).toBe(lateJob.createdAt + 200);
		while (Date.now() <= lateJob.startDeadline!); // hold the event loop: the deadline timer cannot run
		emu.setConcurrency(3);
		expect(lateJob).toMatchObject({ status: 'COMPLETED', startedAt: null, endedUnstarted: 'start-timeout' });
		expect(emu.jobs.get(fresh.request_id)).toMatchObject({ status: 'IN_PROGRESS', endedUnstarted: null });
		expect(emu.startedAfterDeadline()).toEqual([]);
	});

	it.each(['0.1', '0', '-5', 'soon', ''])('a start timeout of %j is a 400 and queues nothing', async (value) => {
		const { emu, fal } = ctx;
		const e = await caught(fal.queue.submit(ENDPOINT_ID, { input: input(), headers: { 'x-fal-request-timeout': value } }));
		expect([e.status, e.body]).toEqual([400, { detail: `x-fal-request-timeout must be a number of seconds greater than 0.1, got '${value}'` }]);
		expect(emu.jobs.size).toBe(0);
	});
});
