import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

// Guarantee 6: one message per cause, never "could not reach fal" for something else.
const emulator = useFalEmulator();

test("an expression error in a field is n8n's own expression error, and nothing is sent", async () => {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: "={{ $('No Such Node').item.json.x }}" }));
	const error = result.error(NODE_NAME);
	expect(error?.name).toBe('ExpressionError');
	expect(error?.message).not.toMatch(/fal/);
	expect(emulator().requests).toEqual([]);
});

test('a closed status stream is not an error: the job is still waited for', async () => {
	emulator().setLatency(1000);
	emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'end' } });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO }));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)).toHaveLength(1);
});

test('a status answer that is not JSON, past the retries, while the stream is refused: the wait goes on until the job is done', async () => {
	emulator().setLatency(1500);
	emulator().fault({ route: 'stream', status: 503, body: { detail: 'busy' }, times: Infinity });
	emulator().fault({ route: 'status', status: 200, text: '{"status":"IN_PROG', contentType: 'application/json', times: 2 });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 0 } }));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(emulator().undelivered()).toEqual([]);
});

test('a result that never parses says fal answered something unexpected, with an excerpt', async () => {
	emulator().fault({ route: 'result', status: 200, text: '{"output": "trunc', contentType: 'application/json', times: Infinity });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 1 } }));
	expect(result.error(NODE_NAME)?.message).toBe('fal answered something that is not what the endpoint returns: "{"output": "trunc" (HTTP 200 from queue.fal.run) [item 0]');
	expect(result.error(NODE_NAME)?.description).toMatch(/fal job \S+ completed \(it is billed\)/);
});
