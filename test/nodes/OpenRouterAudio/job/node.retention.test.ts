import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

// fal keeps a result 1 hour after completion, 6 minutes from 10 KB (fal.ai/docs/inference-api/queue/result);
// its request history keeps the payloads. An answer that has left the result store is read from the history,
// and where neither has it the error says how long fal keeps results and how to keep them. The emulator's
// retention is shortened to milliseconds here.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, retention: { ms: 300, largeMs: 300 } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answered = (route: string) => emulator().requestsTo(route).map((request) => request.answerStatus);

async function submittedAndExpired(): Promise<string> {
	const submitted = await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, task: 'custom', prompt: 'Kept' }));
	const requestId = String(submitted.items(NODE_NAME)[0].json.requestId);
	for (const started = Date.now(); emulator().jobs.get(requestId)?.status !== 'COMPLETED' && Date.now() - started < 5000; ) await sleep(50);
	await sleep(500);
	return requestId;
}

test('Get Job after the result left fal\'s result store: the answer comes from the request history', async () => {
	const requestId = await submittedAndExpired();
	const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
	expect(result.items(NODE_NAME)[0].json).toMatchObject({
		requestId,
		status: 'COMPLETED',
		output: expect.stringContaining('Kept'),
		usage: expect.objectContaining({ cost: expect.any(Number) }),
	});
	expect(answered('result')).toEqual([404]);
	expect(emulator().requestsTo('history').map((request) => request.query)).toEqual([
		expect.objectContaining({ request_id: requestId, expand: 'payloads' }),
	]);
});

test('Get Job when neither fal\'s result store nor its history has the answer: says how long fal keeps results and how to keep them', async () => {
	const requestId = await submittedAndExpired();
	const job = emulator().jobs.get(requestId)!;
	// The history lists the request, without its payloads (fal may store none).
	const listed = { request_id: requestId, endpoint_id: 'openrouter/router/audio', sent_at: new Date(job.createdAt).toISOString(), started_at: new Date(job.startedAt!).toISOString(), ended_at: new Date(job.completedAt!).toISOString(), status_code: 200, duration: 0 };
	emulator().fault({ route: 'history', status: 200, body: { items: [listed], next_cursor: null, has_more: false } });
	const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe(`fal no longer has the answer of job ${requestId} (HTTP 404 from queue.fal.run) [item 0]`);
	expect(error?.description).toMatch(/fal keeps a result 1 hour after the job completes, 6 minutes if it is 10 KB or larger/);
	expect(error?.description).toMatch(/Webhook URL.*Wait node/);
});

test('Retry On Fail reads a completed job\'s answer again after it expired: from the history, nothing paid twice', async () => {
	// Item 1's first submit is refused (no job); the retry, a second later, finds item 0's result gone.
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, times: 1, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 1' });
	const result = await runWorkflow(
		triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}' }, [{ n: 0 }, { n: 1 }], { retryOnFail: { maxTries: 2, waitBetweenTries: 1000 } }),
	);
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual([expect.stringContaining('Item 0'), expect.stringContaining('Item 1')]);
	expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1, 'Item 1': 1 });
	// The first try read item 0's result; the retry found it expired and read the history instead.
	expect(answered('result').filter((status) => status === 404)).toHaveLength(1);
	expect(emulator().requestsTo('history').some((request) => request.query.request_id)).toBe(true);
});
