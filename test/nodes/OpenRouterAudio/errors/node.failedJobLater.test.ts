import { AUDIO, runWorkflow, NODE_NAME, triggerThen, useFalEmulator } from '../../../tools/harness';

// Get Job on a job that failed, once fal's result store has let its result go (1 hour, 6 minutes from 10 KB;
// shortened to milliseconds here): the app's error comes from the request history (its status_code and
// json_output) and reads as it would have from the result route. An error is classified by its type and the
// shape of its body, never by its status: a history entry's 422 is a plain ApiError.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt, retention: { ms: 300, largeMs: 300 } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answered = (route: string) => emulator().requests.filter((request) => request.route === route).map((request) => request.answerStatus);

const REJECTED = { detail: [{ loc: ['body', 'audio_url'], msg: 'The audio could not be decoded', type: 'value_error' }] };

async function submitted(): Promise<string> {
	const run = await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, task: 'custom', prompt: 'Rejected' }));
	const requestId = String(run.items(NODE_NAME)[0].json.requestId);
	for (const started = Date.now(); emulator().jobs.get(requestId)?.status !== 'COMPLETED' && Date.now() - started < 5000; ) await sleep(50);
	return requestId;
}

test('Get Job on a job that failed with 422, after its result expired: fal\'s rejection, as while the result was kept', async () => {
	emulator().respondWith(() => ({ error: { status: 422, body: REJECTED } }));
	const requestId = await submitted();
	const kept = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
	await sleep(500);
	const expired = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));

	const reason = 'fal rejected the input: "Audio URL" / "Input Binary Field": The audio could not be decoded';
	expect(kept.error(NODE_NAME)?.message).toBe(`${reason} (HTTP 422 from queue.fal.run) [item 0]`);
	// The history-built error has no fetch layer's origin: it names fal.
	expect(expired.error(NODE_NAME)?.message).toBe(`${reason} (HTTP 422 from fal) [item 0]`);
	expect(expired.error(NODE_NAME)?.description).toContain('Correct the field above and run the node again.');
	// The second Get Job found the result gone and read the history.
	expect(answered('result')).toEqual([422, 404]);
	expect(emulator().requests.filter((request) => request.route === 'history').map((request) => request.query.request_id)).toEqual([requestId]);
	expect(emulator().jobs.size).toBe(1);
});

test('Get Job on a job that failed with a 422 of another shape, after its result expired: fal\'s detail, not a crash', async () => {
	emulator().respondWith(() => ({ error: { status: 422, body: { detail: { reason: 'unsupported codec' } } } }));
	const requestId = await submitted();
	await sleep(500);
	const expired = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
	const error = expired.error(NODE_NAME);
	expect(error?.message).toMatch(/^fal returned an error: .*\(HTTP 422 from fal\) \[item 0\]$/);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/Cannot read properties|undefined/);
	expect(answered('result')).toEqual([404]);
});
