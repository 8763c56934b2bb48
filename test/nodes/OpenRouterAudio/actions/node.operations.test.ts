import { runWorkflow, NODE_NAME, triggerThen, FIXTURES, submittedBodies, useFalEmulator, AUDIO } from '../../../tools/harness';

const emulator = useFalEmulator();

describe('Submit Job and Get Job', () => {
	test('Submit Job returns the request ID at once and hands fal the webhook URL', async () => {
		emulator().setLatency(60_000);
		const result = await runWorkflow(
			triggerThen({ operation: 'submit', audioUrl: AUDIO, webhookUrl: 'https://n8n.example/webhook/fal-done' }),
		);
		const [item] = result.items(NODE_NAME);
		const [requestId] = [...emulator().jobs.keys()];
		expect(item.json).toEqual({ requestId, status: 'IN_QUEUE', model: 'google/gemini-3-flash-preview' });
		const submit = emulator().requestsTo('submit')[0];
		expect(submit?.query).toEqual({ fal_webhook: 'https://n8n.example/webhook/fal-done' });
		expect(emulator().requests.map((request) => request.route)).toEqual(['submit']);
	});

	test('Get Job reports a running job, then its answer once completed', async () => {
		// Long enough that the lookup below still finds the job running on a busy machine.
		emulator().setLatency(2000);
		await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO }));
		const [requestId] = [...emulator().jobs.keys()];

		const running = await runWorkflow(triggerThen({ operation: 'getJob', requestId: '={{ $json.id }}' }, [{ id: requestId }]));
		expect(running.items(NODE_NAME)[0].json).toEqual({ requestId, status: 'IN_PROGRESS' });

		const job = emulator().jobs.get(requestId)!;
		for (let waited = 0; job.status !== 'COMPLETED' && waited < 5000; waited += 50) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const done = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
		expect(done.items(NODE_NAME)[0].json).toEqual({
			requestId,
			status: 'COMPLETED',
			output: 'Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.',
			usage: { prompt_tokens: 131, completion_tokens: 72, total_tokens: 203, cost: 0.0002 },
		});
	});

	test('Get Job of an unknown ID: neither fal\'s queue nor its history knows it, and the error says so', async () => {
		const id = '00000000-0000-4000-8000-000000000000';
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: id }));
		expect(result.error(NODE_NAME)?.message).toBe(`fal does not know request ${id} (HTTP 404 from queue.fal.run) [item 0]`);
		expect(result.error(NODE_NAME)?.description).toMatch(/request history \(the last 90 days\).*Check the request ID/);
		expect(emulator().requestsTo('history').map((r) => r.query.request_id)).toEqual([id]);
	});

	test('Get Job with an empty request ID fails locally', async () => {
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: ' ' }));
		expect(result.error(NODE_NAME)?.message).toBe('The "Request ID" field is empty [item 0]');
		expect(emulator().requests).toEqual([]);
	});
});

describe('usage is never invented', () => {
	const NOTE = "fal's answer did not include token usage";

	test.each([
		['no usage', { output: 'Hi' }, { usage: null, usageNote: NOTE }],
		['usage: null', { output: 'Hi', usage: null }, { usage: null, usageNote: NOTE }],
		[
			'partial usage',
			{ output: 'Hi', usage: { prompt_tokens: 10, completion_tokens: null, total_tokens: 12 } },
			{
				usage: { prompt_tokens: 10, completion_tokens: null, total_tokens: 12, cost: null },
				usageNote: "fal's answer did not include completion_tokens, cost in its token usage",
			},
		],
	])('%s: Analyze and Get Job say so instead of reporting zeros', async (_, answer, expected) => {
		emulator().respondWith(() => answer);
		const analyzed = await runWorkflow(triggerThen({ audioUrl: AUDIO }));
		const [requestId] = [...emulator().jobs.keys()];
		expect(analyzed.items(NODE_NAME)[0].json).toEqual({ output: 'Hi', ...expected, model: 'google/gemini-3-flash-preview', requestId });

		const looked = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
		expect(looked.items(NODE_NAME)[0].json).toEqual({ requestId, status: 'COMPLETED', output: 'Hi', ...expected });
	});
});

describe('Get Job refuses anything that is not a fal request ID before it becomes part of a URL', () => {
	const BAD_IDS = ['../../x', 'a/b?x=1', '764cabcf-b745-4b3e-ae38-1200304cf45b#x', '764cabcf-b745-4b3e-ae38-1200304cf45b/cancel', '..', '764cabcf b745 4b3e ae38 1200304cf45b', '764cabcf-b745-4b3e-ae38-1200304cf45b?logs=1', 'no-such-job'];

	test.each(BAD_IDS)('%j: the node fails locally, nothing is sent', async (bad) => {
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: '={{ $json.id }}' }, [{ id: bad }]));
		expect(result.error(NODE_NAME)?.message).toBe(`The "Request ID" field is not a fal request ID: ${JSON.stringify(bad)} [item 0]`);
		expect(result.error(NODE_NAME)?.description).toMatch(/looks like 764cabcf-b745-4b3e-ae38-1200304cf45b/);
		expect(emulator().requests).toEqual([]);
	});

	test('a request ID that is a number is named as such', async () => {
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: '={{ 42 }}' }));
		expect(result.error(NODE_NAME)?.message).toBe('The "Request ID" field is a number, not text [item 0]');
		expect(emulator().requests).toEqual([]);
	});

	test('Continue On Fail: the bad IDs become error items, the good one is looked up', async () => {
		await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO }));
		const [requestId] = [...emulator().jobs.keys()];
		const before = emulator().requests.length;
		const ids = [` ${requestId} `, '../../x', 'a/b?x=1'];
		const result = await runWorkflow(
			triggerThen({ operation: 'getJob', requestId: '={{ $json.id }}' }, ids.map((id) => ({ id })), { continueOnFail: true }),
		);
		const items = result.items(NODE_NAME);
		expect(items[0].json).toMatchObject({ requestId, status: 'COMPLETED' });
		expect(items[1].json).toEqual({ error: 'The "Request ID" field is not a fal request ID: "../../x" [item 1]' });
		expect(items[2].json).toEqual({ error: 'The "Request ID" field is not a fal request ID: "a/b?x=1" [item 2]' });
		const lookups = emulator().requests.slice(before);
		expect(lookups.length).toBeGreaterThan(0);
		expect(lookups.every((request) => request.path.includes(`/requests/${requestId}`))).toBe(true);
	});
});

describe('concurrency, timeouts and cancellation', () => {
	test('Max Concurrent Jobs bounds the jobs in flight; output order matches input', async () => {
		emulator().setLatency(100);
		const inputs = Array.from({ length: 8 }, (_, n) => ({ n }));
		const result = await runWorkflow(
			triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}', options: { concurrency: 3 } }, inputs),
		);
		expect(emulator().stats().peakInProgress).toBe(3);
		expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual(
			inputs.map(({ n }) => `Echo from google/gemini-3-flash-preview: Item ${n}`),
		);
	});

	test('Max Concurrent Jobs 1 runs items one at a time', async () => {
		emulator().setLatency(30);
		await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { concurrency: 1 } }, [{}, {}, {}]));
		expect(emulator().stats().peakInProgress).toBe(1);
		expect(submittedBodies(emulator())).toHaveLength(3);
	});

	test('an item past its timeout fails clearly and its fal job is cancelled', async () => {
		emulator().setLatency(30_000);
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { timeout: 1 } }));
		expect(result.error(NODE_NAME)?.message).toBe('The request to fal did not finish within the "Timeout (Seconds)" limit of 1 second [item 0]');
		const [job] = [...emulator().jobs.values()];
		expect(job.cancelled).toBe(true);
		expect(emulator().requests.map((request) => request.route)).toContain('cancel');
	});

	test('an item that times out during its upload stops the upload too', async () => {
		// fal storage answers the upload request only after 2 s; the item may take 1 s.
		const slow = emulator().fault({ route: 'initiate', delayMs: 2000 });
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary', options: { timeout: 1 } }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
		});
		expect(result.error(NODE_NAME)?.message).toBe('The request to fal did not finish within the "Timeout (Seconds)" limit of 1 second [item 0]');
		// Had the upload gone on in the background, its bytes would reach fal once the slow answer came.
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(slow.hits).toBe(1);
		expect(emulator().requests.map((request) => request.route)).toEqual(['initiate']);
		expect(emulator().uploads.size).toBe(0);
	});

	test('stopping the execution aborts in-flight items and cancels their fal jobs', async () => {
		emulator().setLatency(30_000);
		const result = await runWorkflow({
			...triggerThen({ audioUrl: AUDIO }, [{}, {}, {}]),
			cancelAfterMs: 500,
		});
		expect(result.run.status).toBe('canceled');
		const jobs = [...emulator().jobs.values()];
		expect(jobs).toHaveLength(3);
		expect(jobs.every((job) => job.cancelled)).toBe(true);
	});
});
