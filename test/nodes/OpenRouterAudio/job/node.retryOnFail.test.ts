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
