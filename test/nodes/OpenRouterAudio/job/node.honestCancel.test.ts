import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, useWaits, AUDIO } from '../../../tools/harness';

// fal only passes a cancel on to a running job; the app decides (fal.ai/docs/inference-api/queue/cancel). The
// item says what fal answered and what it then saw, and delivers a paid answer rather than throw it away.
const emulator = useFalEmulator({
	itemKey: (input) => input?.prompt,
	jobLatency: (input) => (String(input?.prompt).startsWith('Long') ? 60_000 : 4000),
	onCancel: (input) => (String(input?.prompt).includes('ignores') ? 'ignore' : 'stop'),
});
// The item watches a job it asked to cancel for 5 s here (30 s in production): long enough for the 4 s job to end.
const waits = useWaits({ lateAnswerMs: 5000 });
const run = (prompt: string, timeout: number) =>
	runWorkflow({ ...triggerThen({ audioUrl: AUDIO, task: 'custom', prompt, options: { timeout } }), timeoutMs: 90_000 });
const onlyJob = () => [...emulator().jobs.values()][0];

test('Timeout 2 s on a 4 s job whose app ignores the cancel: the job runs on, is billed, and its answer is delivered', async () => {
	const result = await run('Short, ignores cancels', 2);
	const job = onlyJob();
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)[0].json).toMatchObject({ requestId: job.requestId, output: expect.stringContaining('ignores cancels') });
	// fal accepted the cancel, the app ran on: billed, and not thrown away.
	expect(job.cancelRequests.map((cancel) => cancel.status)).toEqual([202]);
	expect(job.cancelled).toBe(false);
	expect(emulator().billed()).toEqual([job]);
	expect(emulator().undelivered()).toEqual([]);
}, 60_000);

test('Timeout on a job that runs on past the watch: the error says the cancel was passed on and it may be billed, never "was cancelled"', async () => {
	const result = await run('Long, ignores cancels', 2);
	const job = onlyJob();
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('The request to fal did not finish within the "Timeout (Seconds)" limit of 2 seconds [item 0]');
	expect(error?.description).toContain(`fal job ${job.requestId} was running: fal passed the cancel on to it, and it may run on to its end and be billed.`);
	expect(error?.description).toContain('https://fal.ai/dashboard/requests');
	expect(error?.description).not.toMatch(/was cancelled/);
	expect(error?.context).toMatchObject({ requestId: job.requestId, cancel: 'requested', jobFate: 'cancel' });
	// The item watched for lateAnswerMs; the job still runs at fal.
	expect(job.status).toBe('IN_PROGRESS');
	expect(job.cancelled).toBe(false);
	expect(Date.now() - job.cancelRequestedAt!).toBeGreaterThanOrEqual(waits().lateAnswerMs - 1000);
}, 90_000);

test('Timeout on a job whose app honours the cancel: the error says the job stopped', async () => {
	const result = await run('Long, stops when asked', 2);
	const job = onlyJob();
	expect(result.error(NODE_NAME)?.description).toContain(
		`fal job ${job.requestId} was running: fal passed the cancel on to it, and the job stopped (fal may bill the time it ran).`,
	);
	expect(job).toMatchObject({ cancelled: true, cancelledWhile: 'IN_PROGRESS', status: 'COMPLETED' });
	expect(job.result?.status).toBe(499);
}, 60_000);
