import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

// Guarantee 5: "Timeout (Seconds)" counts the item's work and the time its job runs; time IN_QUEUE at fal
// counts against "Max Queue Wait (Seconds)". Both: 0 = none, at most 604800 (7 days).
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, latencyMs: 2000 });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ p: `Item ${i}` }));

test.each([
	['timeout', 'Timeout (Seconds)', 604_801],
	['timeout', 'Timeout (Seconds)', 2 ** 32],
	['maxQueueWait', 'Max Queue Wait (Seconds)', -1],
])('%s %s: refused before anything is sent, naming the field and the maximum', async (option, field, value) => {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { [option]: value } }));
	expect(result.error(NODE_NAME)?.message).toBe(`The "${field}" option is ${value}, which is not allowed [item 0]`);
	expect(result.error(NODE_NAME)?.description).toMatch(/from 0 \(no limit\) to 604800 \(7 days\)/);
	expect(emulator().requests).toEqual([]);
});

test('the largest timeout does not fire early', async () => {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { timeout: 604_800, maxQueueWait: 604_800 } }));
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Transcribe'));
});

test('time waiting IN_QUEUE does not count against the timeout', async () => {
	// fal runs one job at a time: the third waits about 4 s in the queue, longer than its 3 s timeout.
	emulator().setConcurrency(1);
	const result = await runWorkflow(
		triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options: { timeout: 3, concurrency: 3 } }, items(3)),
	);
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)).toHaveLength(3);
	expect(emulator().stats().peakQueued).toBeGreaterThanOrEqual(1);
}, 30_000);

// Max Queue Wait as fal's start timeout: node.startTimeout.test.ts.

afterEach(() => emulator().setConcurrency(Infinity));
