import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

// "Max Queue Wait" is fal's start timeout: every submit carries it, and fal ends a job no runner started in
// time, unstarted and unbilled, whatever became of the node (a lost Stop, a dead worker).
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, latencyMs: 4000 });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ p: `Item ${i}` }));
const submits = () => emulator().requestsTo('submit');

afterEach(() => emulator().setConcurrency(Infinity));

test('every submit carries Max Queue Wait as fal\'s start timeout; 0 sends none', async () => {
	emulator().setLatency(0);
	await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options: { maxQueueWait: 90 } }, items(2)));
	await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxQueueWait: 0 } }));
	expect(submits().map((request) => request.headers['x-fal-request-timeout'])).toEqual(['90', '90', undefined]);
	expect([...emulator().jobs.values()].map((job) => job.startDeadline !== null)).toEqual([true, true, false]);
});

test.each([1, 0.5])('Max Queue Wait %s is refused before anything is sent: fal takes more than 1 second', async (value) => {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxQueueWait: value } }));
	expect(result.error(NODE_NAME)?.message).toBe(`The "Max Queue Wait (Seconds)" option is ${value}, which is not allowed [item 0]`);
	expect(result.error(NODE_NAME)?.description).toMatch(/Use 0 \(no limit\) or a number above 1/);
	expect(emulator().requests).toEqual([]);
});

test('a job fal ends unstarted at its start timeout fails its item saying so, nothing billed, nothing resubmitted or cancelled', async () => {
	// fal runs one job at a time: the second waits 4 s in the queue, past its 2 s.
	emulator().setConcurrency(1);
	const result = await runWorkflow(
		triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options: { maxQueueWait: 2, concurrency: 2 } }, items(2), {
			continueOnFail: true,
		}),
	);
	const [first, second] = result.items(NODE_NAME);
	expect(first.json.output).toEqual(expect.stringContaining('Item 0'));
	expect(second.json.error).toBe(`The fal job waited in fal's queue longer than the "Max Queue Wait (Seconds)" limit of 2 seconds [item 1]`);
	const [queued] = emulator().jobsBy((job) => job.key).get('Item 1')!;
	expect(queued.endedUnstarted).toBe('start-timeout');
	expect(emulator().billed().map((job) => job.key)).toEqual(['Item 0']);
	expect(emulator().cancelRequests).toEqual([]);
	expect(emulator().jobs.size).toBe(2);
}, 30_000);

test('the description says fal ended the job unstarted and nothing was billed', async () => {
	emulator().setConcurrency(1);
	const result = await runWorkflow(
		triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options: { maxQueueWait: 2, concurrency: 2 } }, items(2)),
	);
	const [, queued] = [...emulator().jobs.values()];
	expect(result.error(NODE_NAME)?.message).toBe(`The fal job waited in fal's queue longer than the "Max Queue Wait (Seconds)" limit of 2 seconds [item 1]`);
	expect(result.error(NODE_NAME)?.description).toContain(
		`fal ended job ${queued.requestId} unstarted when its start timeout ("Max Queue Wait") passed: it did not run and nothing was billed.`,
	);
	expect(result.error(NODE_NAME)?.context).toMatchObject({ requestId: queued.requestId, jobCompleted: false, jobFate: 'endedUnstarted' });
}, 30_000);

test('Stop with every cancel lost: the queued jobs end unstarted at Max Queue Wait, none starts after it', async () => {
	emulator().setConcurrency(1);
	emulator().fault({ route: 'cancel', drop: true, times: Infinity });
	const result = await runWorkflow({
		...triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options: { maxQueueWait: 3 } }, items(4)),
		cancelAfterMs: 1000,
	});
	expect(result.run.status).toBe('canceled');
	const jobs = [...emulator().jobs.values()];
	expect(jobs).toHaveLength(4);
	// The cancels were sent, and lost.
	await until(() => emulator().requestsTo('cancel').length >= 4);
	await until(() => emulator().leftRunning().length === 0, 15_000);
	expect(emulator().leftRunning()).toEqual([]);
	expect(emulator().startedAfterDeadline()).toEqual([]);
	// The one that was running ran on (its cancel never arrived); the three queued never ran.
	expect(jobs.filter((job) => job.endedUnstarted === 'start-timeout')).toHaveLength(3);
	expect(emulator().billed()).toHaveLength(1);
}, 30_000);

async function until(check: () => boolean, ms = 10_000) {
	for (const started = Date.now(); !check() && Date.now() - started < ms; ) await new Promise((resolve) => setTimeout(resolve, 100));
}
