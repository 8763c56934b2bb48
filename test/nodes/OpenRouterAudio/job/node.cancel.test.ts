import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';
import type { FalEmulator } from '../../../tools/emulator';
import { jobFate } from '../../../../nodes/OpenRouterAudio/errors/jobFailure';

// Guarantee 2: no job keeps running after its item failed, and a paid answer stays reachable.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, jobLatency: (input) => (String(input?.prompt).startsWith('Slow') ? 30_000 : input?.prompt === 'Half' ? 500 : 0),
});

async function until(check: () => boolean, ms = 20_000) {
	for (const started = Date.now(); !check() && Date.now() - started < ms; ) await new Promise((resolve) => setTimeout(resolve, 100));
	return check();
}
const onlyJob = (emu: FalEmulator) => [...emu.jobs.values()][0];

test('an item whose job can no longer be watched (404 on status) cancels it', async () => {
	emulator().fault({ route: ['stream', 'status'], status: 404, body: { detail: 'Not found' }, times: Infinity });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Slow' }));
	expect(result.error(NODE_NAME)?.message).toMatch(/^fal returned an error: Not found \(HTTP 404 from queue\.fal\.run\)/);
	// fal never reported the job's status, so the item cannot say whether the cancel removed it or was passed on.
	const { requestId } = onlyJob(emulator());
	expect(result.error(NODE_NAME)?.description).toContain(`fal accepted the cancel of job ${requestId} (a queued job is removed unbilled; a running one only gets the cancel passed on), and it may run on to its end and be billed.`);
	expect(result.error(NODE_NAME)?.description).not.toContain('was cancelled');
	expect(onlyJob(emulator()).cancelledWhile).toBe('IN_PROGRESS');
	expect(emulator().leftRunning()).toEqual([]);
});

test('a result that outlasts the retries: the job had completed, so its request ID stays in the error for Get Job', async () => {
	emulator().fault({ route: 'result', status: 500, body: { detail: 'model crashed' }, times: Infinity });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 1 } }));
	const error = result.error(NODE_NAME);
	const { requestId } = onlyJob(emulator());
	expect(error?.message).toBe('fal failed to process the request: model crashed (HTTP 500 from queue.fal.run) [item 0]');
	expect(error?.description).toContain(`fal job ${requestId} completed (it is billed). Its answer can still be fetched with the "Get Job" operation and request ID ${requestId}.`);
	expect(error?.context).toMatchObject({ requestId, jobCompleted: true });
	expect(emulator().cancelRequests).toEqual([]);
});

test('a result that is not JSON is reported as such, with the request ID', async () => {
	emulator().fault({ route: 'result', status: 200, text: '<html>Bad gateway</html>', times: Infinity });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO }));
	const { requestId } = onlyJob(emulator());
	expect(result.error(NODE_NAME)?.message).not.toMatch(/Could not reach|connect/);
	expect(result.error(NODE_NAME)?.description).toContain(requestId);
});

test('the timeout while fal completes the job unseen: the cancel is refused, and the paid answer is delivered', async () => {
	// The status stream stalls, so the node still thinks the job runs when its 2 s are up; fal finished it at 0.5 s.
	emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'stall' }, times: Infinity });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Half', options: { timeout: 2 } }));
	const { requestId } = onlyJob(emulator());
	expect(emulator().cancelRequests.map((c) => c.status)).toEqual([400]);
	expect(result.items(NODE_NAME)[0].json).toMatchObject({ requestId, output: expect.stringContaining('Half') });
	expect(emulator().undelivered()).toEqual([]);
});

test('what fal answered a cancel is what the error says; a job only asked to stop is never "cancelled"', () => {
	expect(jobFate('r1', { kind: 'cancel', answer: 'completed', seenAs: 'running' })).toBe(
		'fal job r1 could not be cancelled: fal had already completed it (it is billed). Its answer can still be fetched with the "Get Job" operation and request ID r1.',
	);
	expect(jobFate('r1', { kind: 'cancel', answer: 'requested', seenAs: 'queued' })).toBe(
		"fal accepted the cancel of job r1 while it waited in fal's queue: fal removes a queued job, so it does not run and is not billed.",
	);
	const running = jobFate('r1', { kind: 'cancel', answer: 'requested', seenAs: 'running' });
	expect(running).toMatch(/^fal job r1 was running: fal passed the cancel on to it, and it may run on to its end and be billed\. Check request r1 /);
	expect(jobFate('r1', { kind: 'cancel', answer: 'requested', seenAs: 'running', ended: 'stopped' })).toBe(
		'fal job r1 was running: fal passed the cancel on to it, and the job stopped (fal may bill the time it ran).',
	);
	expect(jobFate('r1', { kind: 'cancel', answer: 'requested', seenAs: 'unseen' })).toMatch(/a running one only gets the cancel passed on\), and it may run on/);
	expect(jobFate('r1', { kind: 'endedUnstarted' })).toBe(
		'fal ended job r1 unstarted when its start timeout ("Max Queue Wait") passed: it did not run and nothing was billed.',
	);
	for (const fate of [running, jobFate('r1', { kind: 'cancel', answer: 'failed', seenAs: 'running' })]) expect(fate).not.toMatch(/was cancelled/);
});

test('Stop while the submit is on the wire: the job is cancelled as soon as its request ID arrives', async () => {
	emulator().fault({ route: 'submit', delayMs: 2000 });
	const result = await runWorkflow({ ...triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Slow' }), cancelAfterMs: 500 });
	expect(result.run.status).toBe('canceled');
	expect(await until(() => emulator().jobs.size === 1 && emulator().leftRunning().length === 0)).toBe(true);
	expect(onlyJob(emulator()).cancelled).toBe(true);
});

test('a sibling fails while a submit is on the wire: that job is cancelled too', async () => {
	emulator().respondWith((input) => (input.prompt === 'fail' ? { error: { status: 422, body: { detail: 'bad audio' } } } : { output: 'ok', usage: {} }));
	emulator().fault({ route: 'submit', delayMs: 2000, match: (req) => (req.body as { prompt?: string })?.prompt === 'Slow 1' });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}' }, [{ p: 'fail' }, { p: 'Slow 1' }]));
	expect(result.error(NODE_NAME)?.message).toBe('fal rejected the input: bad audio (HTTP 422 from queue.fal.run) [item 0]');
	expect(await until(() => emulator().jobs.size === 2 && emulator().leftRunning().length === 0)).toBe(true);
	expect(emulator().jobsBy((job) => job.key).get('Slow 1')?.[0].cancelled).toBe(true);
});

test('Stop: every running job is cancelled, none left running', async () => {
	const result = await runWorkflow({ ...triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Slow' }, [{}, {}, {}]), cancelAfterMs: 700 });
	expect(result.run.status).toBe('canceled');
	expect(await until(() => emulator().leftRunning().length === 0)).toBe(true);
	expect(emulator().cancelRequests.every((c) => c.status === 202)).toBe(true);
});
