import type { INodeParameters } from 'n8n-workflow';

import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, useWaits, AUDIO } from '../../../tools/harness';

// Guarantee 3: waiting survives the network. Each job runs 1.5 s, so the faults hit it mid-job; status is
// polled every 200 to 500 ms here (1 to 5 s in production), so a wait carried by polling fits in the job.
const emulator = useFalEmulator({ latencyMs: 1500 });
useWaits({ pollFirstMs: 200, pollMaxMs: 500 });

async function runOne(options: INodeParameters = {}) {
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 1, ...options } }));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Transcribe'));
	expect(emulator().jobs.size).toBe(1);
	expect(emulator().undelivered()).toEqual([]);
	expect(emulator().cancelRequests).toEqual([]);
	return result;
}
const streams = () => emulator().requestsTo('stream').length;
const statusPolls = () => emulator().requestsTo('status').length;

test('a status stream that closes early is reopened, more often than Max Retries', async () => {
	const cut = emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'end' }, times: 3 });
	await runOne();
	expect(cut.hits).toBe(3);
	// Three early ends with Max Retries 1: reopened (then polled), never given up.
	expect(streams()).toBeGreaterThanOrEqual(3);
	expect(streams() + statusPolls()).toBeGreaterThanOrEqual(4);
});

test('a stream whose connection dies again and again is replaced by status polling', async () => {
	const dies = emulator().fault({ route: 'stream', cut: { afterMs: 100, how: 'destroy' }, times: Infinity });
	await runOne();
	expect(dies.hits).toBeGreaterThanOrEqual(2);
	expect(statusPolls()).toBeGreaterThan(0);
});

test('a stream that is refused (503) every time: status polling carries the wait', async () => {
	const refused = emulator().fault({ route: 'stream', status: 503, retryAfter: 0, body: { detail: 'busy' }, times: Infinity });
	await runOne({ maxRetries: 0 });
	expect(refused.hits).toBe(streams());
	expect(refused.hits).toBeGreaterThanOrEqual(2);
	expect(statusPolls()).toBeGreaterThan(0);
});

test('status polls that fail past their retries do not end the wait of a running job', async () => {
	const refused = emulator().fault({ route: 'stream', status: 503, retryAfter: 0, body: { detail: 'busy' }, times: Infinity });
	const failedPolls = emulator().fault({ route: 'status', status: 500, body: { detail: 'oops' }, times: 3 });
	await runOne({ maxRetries: 0 });
	expect(refused.hits).toBeGreaterThanOrEqual(2);
	// All three failed polls happened, and the wait went on polling past them.
	expect(failedPolls.hits).toBe(3);
	expect(statusPolls()).toBeGreaterThan(3);
});

test('a stream that stalls, then ends, is reopened', async () => {
	const stall = emulator().fault({ route: 'stream', cut: { afterEvents: 1, how: 'stall', stallMs: 1000 }, times: 1 });
	await runOne();
	expect(stall.hits).toBe(1);
	expect(streams()).toBeGreaterThanOrEqual(2);
});

test('a result whose answer is lost or cut is fetched again', async () => {
	const dropped = emulator().fault({ route: 'result', after: 'drop' });
	const truncated = emulator().fault({ route: 'result', after: 'truncate' });
	await runOne({ maxRetries: 2 });
	expect([dropped.hits, truncated.hits]).toEqual([1, 1]);
	expect(emulator().requestsTo('result')).toHaveLength(3);
});
