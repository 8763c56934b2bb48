import { runWorkflow } from '../../harness/run';
import { NODE_NAME, triggerThen } from '../../harness/workflow';
import { FIXTURES, submittedBodies, useFalEmulator } from './useFalEmulator';

const emulator = useFalEmulator();
const AUDIO = 'https://audio.example/long-meeting.mp3';

describe('Submit Job and Get Job', () => {
	test('Submit Job returns the request ID at once and hands fal the webhook URL', async () => {
		emulator().setLatency(60_000);
		const result = await runWorkflow(
			triggerThen({ operation: 'submit', audioUrl: AUDIO, webhookUrl: 'https://n8n.example/webhook/fal-done' }),
		);
		const [item] = result.items(NODE_NAME);
		const [requestId] = [...emulator().jobs.keys()];
		expect(item.json).toEqual({ requestId, status: 'IN_QUEUE', model: 'google/gemini-3-flash-preview' });
		const submit = emulator().requests.find((request) => request.route === 'submit');
		expect(submit?.query).toEqual({ fal_webhook: 'https://n8n.example/webhook/fal-done' });
		expect(emulator().requests.map((request) => request.route)).toEqual(['submit']);
	});

	test('Get Job reports a running job, then its answer once completed', async () => {
		emulator().setLatency(500);
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

	test('Get Job of an unknown ID fails with fal\'s answer', async () => {
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: 'no-such-job' }));
		expect(result.error(NODE_NAME)?.message).toMatch(/^fal returned HTTP 404: .*\[item 0\]$/);
	});

	test('Get Job with an empty request ID fails locally', async () => {
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId: ' ' }));
		expect(result.error(NODE_NAME)?.message).toBe('The "Request ID" field is empty [item 0]');
		expect(emulator().requests).toEqual([]);
	});
});

describe('concurrency, timeouts and cancellation', () => {
	test('the Concurrency option bounds the jobs in flight; output order matches input', async () => {
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

	test('Concurrency 1 runs items one at a time', async () => {
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
		// fal storage answers the upload request only after 3 s; the item may take 1 s.
		emulator().fault({ route: 'initiate', delayMs: 3000 });
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary', options: { timeout: 1 } }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
		});
		expect(result.error(NODE_NAME)?.message).toBe('The request to fal did not finish within the "Timeout (Seconds)" limit of 1 second [item 0]');
		// Had the upload gone on in the background, its bytes would reach fal once the slow answer came.
		await new Promise((resolve) => setTimeout(resolve, 3500));
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
