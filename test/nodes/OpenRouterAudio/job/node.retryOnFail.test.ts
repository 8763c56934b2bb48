import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';
import { defaultAnswer } from '../../../tools/emulator';

// n8n's Retry On Fail runs the whole node again, with every item. What a try already got from fal is not
// bought again: counted at the emulator, per item (the prompt names the item).
// Items 0 and 1 take a while at fal, so item 2's rejection arrives while their jobs still run.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, jobLatency: (input) => (input?.prompt === 'Item 2' ? 0 : 400) });
const items = [{ n: 0 }, { n: 1 }, { n: 2 }];
const node = { audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}' };
const rejected = { status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'Prompt not allowed', type: 'value_error' }] } };

const answered = () => [...emulator().jobs.values()].filter((job) => job.result?.status === 200).length;

test('three items, the third rejected by fal, three tries: the two good items are paid once, the third runs once', async () => {
	emulator().respondWith((input) => (input.prompt === 'Item 2' ? { error: rejected } : defaultAnswer(input)));
	const result = await runWorkflow(triggerThen(node, items, { retryOnFail: { maxTries: 3 } }));

	expect(result.error(NODE_NAME)?.message).toBe('fal rejected the input: "Prompt": Prompt not allowed (HTTP 422 from queue.fal.run) [item 2]');
	expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1, 'Item 1': 1, 'Item 2': 1 });
	expect(answered()).toBe(2);
	// Each try read the answers again (free) instead of submitting again.
	const deliveries = [...emulator().jobs.values()].filter((job) => job.key !== 'Item 2').map((job) => job.deliveries);
	expect(deliveries).toEqual([3, 3]);
	expect(emulator().leftRunning()).toEqual([]);
});

test('a try that fails before fal answered anything submits that item again, and only that one', async () => {
	// The first submit of item 1 is refused by fal's gateway (no job), the retry submits it.
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, times: 1, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 1' });
	const result = await runWorkflow(triggerThen(node, items, { retryOnFail: { maxTries: 2 } }));

	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual(
		items.map(({ n }) => `Echo from google/gemini-3-flash-preview: Item ${n}`),
	);
	expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1, 'Item 1': 1, 'Item 2': 1 });
});

test('without Retry On Fail, the first failure still stops the other items and cancels their jobs', async () => {
	emulator().setLatency(2000);
	emulator().respondWith((input) => (input.prompt === 'Item 2' ? { error: rejected } : defaultAnswer(input)));
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, times: 1, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 2' });
	const result = await runWorkflow(triggerThen(node, items));

	expect(result.error(NODE_NAME)?.message).toMatch(/\[item 2\]$/);
	expect(answered()).toBe(0);
	expect([...emulator().jobs.values()].every((job) => job.cancelled)).toBe(true);
	expect(emulator().leftRunning()).toEqual([]);
});

test('Submit Job under Retry On Fail returns the request IDs of the first try, without new jobs', async () => {
	emulator().setLatency(60_000);
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, times: 1, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 2' });
	const result = await runWorkflow(triggerThen({ ...node, operation: 'submit' }, items, { retryOnFail: { maxTries: 2 } }));

	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1, 'Item 1': 1, 'Item 2': 1 });
	const byPrompt = new Map([...emulator().jobs.values()].map((job) => [job.key, job.requestId]));
	expect(result.items(NODE_NAME).map((item) => item.json.requestId)).toEqual(items.map(({ n }) => byPrompt.get(`Item ${n}`)));
});

test('Keep Request Data off: a retry after fal let a large answer go delivers the answer this process already received, without a new job', async () => {
	// fal keeps a result of 10 KB or more 6 minutes (shortened here); with X-Fal-Store-IO: 0 its history keeps no
	// copy. Item 0 succeeds with a large answer, item 1's first submit is refused (no job), the retry comes later.
	emulator().setRetention({ largeMs: 300 });
	const long = 'x'.repeat(12_000);
	emulator().respondWith((input) => {
		const answer = defaultAnswer(input);
		return input.prompt === 'Item 0' ? { ...answer, output: `${answer.output} ${long}` } : answer;
	});
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, times: 1, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 1' });
	const result = await runWorkflow(
		triggerThen({ ...node, options: { keepRequestData: false } }, items.slice(0, 2), { retryOnFail: { maxTries: 2, waitBetweenTries: 1000 } }),
	);

	expect(result.error(NODE_NAME)).toBeUndefined();
	const [job] = emulator().jobsBy((j) => j.key).get('Item 0')!;
	expect(job.storeIo).toBe(false);
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual([
		`Echo from google/gemini-3-flash-preview: Item 0 ${long}`,
		'Echo from google/gemini-3-flash-preview: Item 1',
	]);
	expect(result.items(NODE_NAME)[0].json.requestId).toBe(job.requestId);
	// One job for item 0, paid once. The first try read its result (200); the retry found it gone (404) and the
	// history without a copy, and delivered the answer the first try received instead of failing the item.
	expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1, 'Item 1': 1 });
	expect(emulator().billed().filter((j) => j.key === 'Item 0')).toHaveLength(1);
	const reads = emulator().requestsTo('result').filter((req) => req.path.includes(job.requestId));
	expect(reads.map((req) => req.answerStatus)).toEqual([200, 404]);
	expect(emulator().requestsTo('history').filter((req) => req.query.request_id === job.requestId)).toHaveLength(1);
	expect(job.resultExpiresAt).toBeLessThan(reads[1].at);
});
