import type { INodeParameters } from 'n8n-workflow';

import { AUDIO, runWorkflow, NODE_NAME, triggerThen, useFalEmulator, useWaits } from '../../../tools/harness';

// A submit whose answer was lost, against fal's documented history: it lists a request only once it has
// started. The item adopts its job once listed, and submits again only where no job can exist: its start
// deadline has passed, or a request this execution sent later has started (fal's queue is first in, first out).
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, latencyMs: 1000 });
// The allowance for fal's listing lag is 30 s in production; the emulator lists at once, so 3 s keeps every
// rule's wait measurable without waiting out production's (transport/waits.ts).
const HISTORY_LAG_MS = 3000;
useWaits({ historyLagMs: HISTORY_LAG_MS, historyRetryMaxMs: 2000 });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ p: `Item ${i}` }));
const params = (options: INodeParameters): INodeParameters => ({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options });
const isItem = (n: number) => (req: { body: unknown }) => (req.body as { prompt?: string })?.prompt === `Item ${n}`;
const submitsOf = (n: number) => emulator().requestsTo('submit').filter((req) => isItem(n)(req)).length;
const jobsPerItem = () => Object.values(emulator().jobsPerItem());

afterEach(() => emulator().setConcurrency(Infinity));

test('a lost answer while the job waits in fal\'s queue: the job is adopted once it starts, nothing paid twice', async () => {
	// A 1-job account: the third job waits about 2 s, unlisted, before it starts.
	emulator().setConcurrency(1);
	emulator().fault({ route: 'submit', after: 'drop', match: isItem(2) });
	const result = await runWorkflow({ ...triggerThen(params({ concurrency: 3 }), items(3)), timeoutMs: 60_000 });
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual([0, 1, 2].map((n) => expect.stringContaining(`Item ${n}`)));
	expect(jobsPerItem()).toEqual([1, 1, 1]);
	expect(emulator().billed()).toHaveLength(3);
	expect(submitsOf(2)).toBe(1);
	expect(emulator().undelivered()).toEqual([]);
}, 60_000);

test('a lost submit that created nothing is sent again once a later submit of the execution has started and been listed', async () => {
	// Item 0's submit never reaches the app. Items 2 and 3 are sent after that, start and are listed; 30 s on,
	// a job of item 0's submit would have been listed too (it was ahead of them in fal's queue).
	emulator().fault({ route: 'submit', drop: true, match: isItem(0) });
	const started = Date.now();
	const result = await runWorkflow({ ...triggerThen(params({ concurrency: 2 }), items(4)), timeoutMs: 90_000 });
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual([0, 1, 2, 3].map((n) => expect.stringContaining(`Item ${n}`)));
	expect(jobsPerItem()).toEqual([1, 1, 1, 1]);
	expect(submitsOf(0)).toBe(2);
	expect(Date.now() - started).toBeGreaterThanOrEqual(HISTORY_LAG_MS);
}, 90_000);

test('a lost submit that created nothing, alone: sent again once its start deadline and the listing lag have passed', async () => {
	emulator().fault({ route: 'submit', drop: true });
	const started = Date.now();
	const result = await runWorkflow({ ...triggerThen(params({ maxQueueWait: 2 }), items(1)), timeoutMs: 90_000 });
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
	expect(jobsPerItem()).toEqual([1]);
	expect(submitsOf(0)).toBe(2);
	expect(Date.now() - started).toBeGreaterThanOrEqual(2000 + HISTORY_LAG_MS);
}, 90_000);

test('no job exists and Max Retries is 0: the item fails on the submit\'s own error, saying nothing was created', async () => {
	emulator().fault({ route: 'submit', drop: true });
	const result = await runWorkflow({ ...triggerThen(params({ maxQueueWait: 2, maxRetries: 0 }), items(1)), timeoutMs: 90_000 });
	expect(result.error(NODE_NAME)?.message).toBe('The connection to fal (queue.fal.run) broke before its answer arrived [item 0]');
	expect(emulator().jobs.size).toBe(0);
	expect(submitsOf(0)).toBe(1);
}, 90_000);

test('200 items, a 10-job account, 15% of submits failing without creating a job: every item answered, one job each', async () => {
	emulator().setConcurrency(10);
	emulator().setLatency(300);
	const always = { times: Infinity, probability: 0.05 };
	const faults = [
		emulator().fault({ ...always, route: 'submit', status: 429, retryAfter: 0, body: { detail: 'Rate limited' } }),
		emulator().fault({ ...always, route: 'submit', status: 500, body: { detail: 'boom' } }),
		emulator().fault({ ...always, route: 'submit', drop: true }),
	];
	// A start deadline bounds the wait of a lost submit that no later submit follows (the batch's last).
	const result = await runWorkflow({ ...triggerThen(params({ maxQueueWait: 20 }), items(200), { continueOnFail: true }), timeoutMs: 230_000 });
	const output = result.items(NODE_NAME);
	expect(output.filter((item) => item.json.error).map((item) => item.json.error)).toEqual([]);
	expect(output.map((item) => item.json.output)).toEqual(items(200).map(({ p }) => expect.stringContaining(p)));
	expect(jobsPerItem().every((count) => count === 1)).toBe(true);
	expect(emulator().jobs.size).toBe(200);
	expect(emulator().billed()).toHaveLength(200);
	// The faults did happen, about 15% of the first submits, and the uncertain ones were reconciled.
	expect(faults.reduce((sum, fault) => sum + fault.hits, 0)).toBeGreaterThanOrEqual(15);
	expect(faults[1].hits + faults[2].hits).toBeGreaterThan(0);
}, 240_000);
