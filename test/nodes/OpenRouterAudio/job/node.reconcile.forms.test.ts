import type { INodeParameters } from 'n8n-workflow';

import { AUDIO, runWorkflow, NODE_NAME, triggerThen, useFalEmulator, useWaits } from '../../../tools/harness';

// A lost submit's job, whatever form fal's request history keeps its input in (fal's docs do not say: the body
// as sent, the app's validated model with every default filled in, keys in another order, or no payloads at all).
// The scenario: 3 items, Max Concurrent Jobs 3, a 1-job account, the third submit's answer lost after fal
// created its job, which waits queued behind the other two. Everything is asserted from the emulator's records.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, latencyMs: 1000 });
// Production allows 30 s for fal's listing lag and 30 s of clock skew; the emulator lists at once, on this clock.
const SKEW_MS = 1000;
useWaits({ historyLagMs: 2000, historySkewMs: SKEW_MS, historyRetryMaxMs: 1000 });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ p: `Item ${i}` }));
const params = (options: INodeParameters): INodeParameters => ({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}', options });
const isItem = (n: number) => (req: { body: unknown }) => (req.body as { prompt?: string })?.prompt === `Item ${n}`;
const FOREIGN = 'x-test-foreign';
const nodeSubmits = (n: number) => emulator().requestsTo('submit').filter((req) => isItem(n)(req) && !req.headers[FOREIGN]);
const jobsPerItem = () => Object.values(emulator().jobsPerItem());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => emulator().setConcurrency(Infinity));

async function lostWhileQueued() {
	emulator().setConcurrency(1);
	emulator().fault({ route: 'submit', after: 'drop', match: isItem(2) });
	return await runWorkflow({ ...triggerThen(params({ concurrency: 3 }), items(3), { continueOnFail: true }), timeoutMs: 60_000 });
}

describe.each([
	['as sent', 'as-sent'],
	['with every default filled in, in the model\'s key order', 'normalised'],
	['with its keys in another order', 'reordered'],
] as const)('the history keeps the input %s', (_, form) => {
	test('the item adopts its job once it starts and delivers its answer: one billed job per item', async () => {
		emulator().setHistoryInput(form);
		const result = await lostWhileQueued();
		expect(result.items(NODE_NAME).map((item) => item.json.error ?? item.json.output)).toEqual([0, 1, 2].map((n) => expect.stringContaining(`Item ${n}`)));
		expect(jobsPerItem()).toEqual([1, 1, 1]);
		expect(emulator().billed()).toHaveLength(3);
		expect(nodeSubmits(2)).toHaveLength(1);
		// Item 2's answer is its own job's, the one its lost submit created.
		const [job] = emulator().jobsBy((j) => j.key).get('Item 2')!;
		expect(result.items(NODE_NAME)[2].json.requestId).toBe(job.requestId);
		expect(emulator().undelivered()).toEqual([]);
	}, 60_000);
});

/**
 * Item 2's submit answer was lost and its job cannot be identified: the item fails naming that job and Get Job.
 * Nothing was submitted again: one job per item, each billed once; items 0 and 1 delivered theirs, item 2's ran and
 * waits to be fetched with the ID the error names.
 */
function expectItem2FailedNamingItsJob(result: Awaited<ReturnType<typeof runWorkflow>>) {
	const [job] = emulator().jobsBy((j) => j.key).get('Item 2')!;
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('fal may have created a job for this item, but its answer to the submit was lost [item 2]');
	expect(error?.description).toContain('The node did not submit again, so as not to pay twice');
	expect(error?.description).toContain(`Candidate request IDs: ${job.requestId}.`);
	expect(error?.description).toContain('"Get Job" operation');
	expect(nodeSubmits(2)).toHaveLength(1);
	expect(jobsPerItem()).toEqual([1, 1, 1]);
	expect(emulator().billed()).toHaveLength(3);
	expect(emulator().undelivered()).toEqual([job]);
}

test('the history keeps no payloads: the item cannot identify its job, fails naming it and Get Job, and never submits again', async () => {
	emulator().setHistoryInput('absent');
	emulator().setConcurrency(1);
	emulator().fault({ route: 'submit', after: 'drop', match: isItem(2) });
	// Max Queue Wait bounds the search: by then a job of the lost submit has started and is listed, or never runs.
	const started = Date.now();
	const result = await runWorkflow({ ...triggerThen(params({ concurrency: 3, maxQueueWait: 6 }), items(3)), timeoutMs: 60_000 });
	expectItem2FailedNamingItsJob(result);
	expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
}, 60_000);

test('X-Fal-Store-IO: 0 ("Keep Request Data at Fal" off): every submit carries it, the item fails naming its job and Get Job, and never submits again', async () => {
	// The node itself asks fal to keep no payloads; the emulator then lists every request without them (Job.storeIo),
	// whatever its history form.
	emulator().setConcurrency(1);
	emulator().fault({ route: 'submit', after: 'drop', match: isItem(2) });
	const result = await runWorkflow({ ...triggerThen(params({ concurrency: 3, maxQueueWait: 6, keepRequestData: false }), items(3)), timeoutMs: 60_000 });
	const submits = emulator().requestsTo('submit');
	expect(submits).toHaveLength(3);
	for (const req of submits) expect(req.headers['x-fal-store-io']).toBe('0');
	expect([...emulator().jobs.values()].map((job) => job.storeIo)).toEqual([false, false, false]);
	expectItem2FailedNamingItsJob(result);
}, 60_000);

/** Sends the node's own input to fal from elsewhere (another workflow, say), `delayMs` after the node's submit. */
async function foreignSubmit(delayMs: number, change: Record<string, unknown> = {}): Promise<string> {
	let sent: { at: number; body: unknown } | undefined;
	for (const start = Date.now(); !sent && Date.now() - start < 10_000; await sleep(20)) sent = nodeSubmits(0)[0];
	if (!sent) throw new Error('the node did not submit');
	await sleep(Math.max(0, sent.at + delayMs - Date.now()));
	const response = await fetch('https://queue.fal.run/openrouter/router/audio', {
		method: 'POST',
		headers: { authorization: 'Key test-key', 'content-type': 'application/json', [FOREIGN]: '1' },
		body: JSON.stringify({ ...(sent.body as object), ...change }),
	});
	return ((await response.json()) as { request_id: string }).request_id;
}

test.each([
	['sent after the loss was seen (outside the window, beyond the skew)', SKEW_MS + 1000, {}],
	['with a field the item did not send, not at its default', 100, { temperature: 0.7 }],
])('a listed request with this input %s is not adopted: no job of its own exists, so the item submits again', async (_, delayMs, change) => {
	emulator().setHistoryInput('normalised');
	// The submit never reaches the app: no job. A request from elsewhere is listed while the item searches.
	emulator().fault({ route: 'submit', drop: true, match: (req) => !req.headers[FOREIGN] });
	const run = runWorkflow({ ...triggerThen(params({ maxQueueWait: 4 }), items(1)), timeoutMs: 60_000 });
	const foreign = await foreignSubmit(delayMs, change);
	const result = await run;
	expect(result.error(NODE_NAME)).toBeUndefined();
	const [item] = result.items(NODE_NAME);
	expect(item.json.output).toEqual(expect.stringContaining('Item 0'));
	expect(item.json.requestId).not.toBe(foreign);
	expect(emulator().jobs.get(foreign)!.deliveries).toBe(0);
	// The item's one job: its second submit's.
	expect(nodeSubmits(0)).toHaveLength(2);
	const own = [...emulator().jobs.values()].filter((job) => job.requestId !== foreign);
	expect(own.map((job) => job.requestId)).toEqual([item.json.requestId]);
	expect(emulator().billed().filter((job) => job.requestId !== foreign)).toHaveLength(1);
}, 60_000);

test('a history longer than the node reads blocks "no job" too: the item fails and never submits again', async () => {
	// Every page says there is more: the node reads 10 pages of 100 and cannot see the rest of the window.
	emulator().fault({ route: 'history', status: 200, body: { items: [], next_cursor: 'Mg==', has_more: true }, times: Infinity });
	emulator().fault({ route: 'submit', drop: true });
	const result = await runWorkflow({ ...triggerThen(params({ maxQueueWait: 2 }), items(1)), timeoutMs: 60_000 });
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('fal may have created a job for this item, but its answer to the submit was lost [item 0]');
	expect(error?.description).toContain("fal's request history lists more requests since this submit than the node reads (1000)");
	expect(nodeSubmits(0)).toHaveLength(1);
	expect(emulator().jobs.size).toBe(0);
	expect(emulator().requests.filter((req) => req.route === 'history').length % 10).toBe(0);
}, 60_000);
