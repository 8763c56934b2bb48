import type { INodeParameters } from 'n8n-workflow';

import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator } from '../../../tools/harness';

// Guarantee 3: waiting survives the network. Each job runs 3 s, so the faults hit it mid-job.
const emulator = useFalEmulator({ latencyMs: 3000 });
const AUDIO = 'https://audio.example/a.mp3';

async function runOne(options: INodeParameters = {}) {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 1, ...options } }));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Transcribe'));
	expect(emulator().jobs.size).toBe(1);
	expect(emulator().undelivered()).toEqual([]);
	expect(emulator().cancelRequests).toEqual([]);
	return result;
}
const streams = () => emulator().requests.filter((r) => r.route === 'stream').length;

test('a status stream that closes early is reopened, more often than Max Retries', async () => {
	emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'end' }, times: 3 });
	await runOne();
	// Three early ends with Max Retries 1: reopened (then polled), never given up.
	expect(streams()).toBeGreaterThanOrEqual(3);
	expect(streams() + emulator().requests.filter((r) => r.route === 'status').length).toBeGreaterThanOrEqual(4);
});

test('a stream whose connection dies again and again is replaced by status polling', async () => {
	emulator().fault({ route: 'stream', cut: { afterMs: 100, how: 'destroy' }, times: Infinity });
	await runOne();
	expect(emulator().requests.filter((r) => r.route === 'status').length).toBeGreaterThan(0);
});

test('a stream that is refused (503) every time: status polling carries the wait', async () => {
	emulator().fault({ route: 'stream', status: 503, retryAfter: 0, body: { detail: 'busy' }, times: Infinity });
	await runOne({ maxRetries: 0 });
});

test('status polls that fail past their retries do not end the wait of a running job', async () => {
	emulator().fault({ route: 'stream', status: 503, retryAfter: 0, body: { detail: 'busy' }, times: Infinity });
	emulator().fault({ route: 'status', status: 500, body: { detail: 'oops' }, times: 3 });
	await runOne({ maxRetries: 0 });
});

test('a stream that stalls, then ends, is reopened', async () => {
	emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'stall', stallMs: 1000 }, times: 1 });
	await runOne();
	expect(streams()).toBeGreaterThanOrEqual(2);
});

test('a result whose answer is lost or cut is fetched again', async () => {
	emulator().fault({ route: 'result', after: 'drop' });
	emulator().fault({ route: 'result', after: 'truncate' });
	await runOne({ maxRetries: 2 });
	expect(emulator().requests.filter((r) => r.route === 'result')).toHaveLength(3);
});
