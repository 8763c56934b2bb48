// Batch dispatch through n8n-core's engine against the emulator's fal queue (a limit on jobs IN_PROGRESS,
// everything above it waiting IN_QUEUE). Every assertion reads the emulator's records, not the node's view.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

/** fal accounts: the harness's default key and one per test that learns its own account's limit. */
const ACCOUNTS = ['account-new', 'account-learned', 'account-other'];
const emulator = useFalEmulator({ apiKeys: ['test-key', ...ACCOUNTS] });
const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const batch = (count: number, options: INodeParameters = {}) =>
	triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}', options }, items(count));
const jobsInSubmitOrder = () => [...emulator().jobs.values()].sort((a, b) => a.index - b.index);
const promptOf = (job: { input: unknown }) => (job.input as { prompt: string }).prompt;

afterEach(() => emulator().setConcurrency(Infinity));

describe('automatic dispatch (Max Concurrent Jobs unset)', () => {
	test.each([
		[2, 16],
		[6, 36],
	])('an account that runs %i jobs at once is fully used, with few jobs waiting at fal', async (limit, count) => {
		emulator().setConcurrency(limit);
		emulator().setLatency(150);
		const result = await runWorkflow({ ...batch(count), timeoutMs: 60_000 });

		const { peakInProgress, peakQueued } = emulator().stats();
		expect(peakInProgress).toBe(limit);
		// The window is the learned limit plus as many again waiting; a late report may add a few (fal's limit plus a few, at most).
		expect(peakQueued).toBeGreaterThan(0);
		expect(peakQueued).toBeLessThanOrEqual(limit + 4);
		// One job per item, one output per input, in input order, paired with its input.
		expect([...emulator().jobsBy(promptOf).values()].every((jobs) => jobs.length === 1)).toBe(true);
		expect(emulator().jobs.size).toBe(count);
		const output = result.items(NODE_NAME);
		expect(output.map((item) => item.json.output)).toEqual(items(count).map(({ n }) => `Echo from google/gemini-3-flash-preview: Item ${n}`));
		expect(output.map((item) => item.pairedItem)).toEqual(items(count).map((_, n) => ({ item: n })));
		expect(emulator().leftRunning()).toEqual([]);
	}, 60_000);

	test('when the account runs fewer jobs mid-batch, fewer are kept waiting at fal', async () => {
		emulator().setConcurrency(8);
		emulator().setLatency(150);
		// Jobs waiting at fal each time one ends; after the 16th, the account runs only 2 at once.
		const waitingAt: number[] = [];
		emulator().respondWith((input) => {
			waitingAt.push(emulator().stats().queued);
			if (waitingAt.length === 16) emulator().setConcurrency(2);
			return { output: `ok ${(input as { prompt: string }).prompt}`, usage: {} };
		});
		const result = await runWorkflow({ ...batch(120), timeoutMs: 90_000 });
		expect(result.items(NODE_NAME)).toHaveLength(120);
		// Right after the drop the window sized for 8 leaves many waiting; once it has learned the new limit,
		// about 2 wait. A window that never shrank would keep 14 waiting until the batch's tail (job ~105);
		// the learning is given until job 70, generous on a loaded machine.
		expect(Math.max(...waitingAt.slice(16, 30))).toBeGreaterThanOrEqual(6);
		expect(Math.max(...waitingAt.slice(70, 100))).toBeLessThanOrEqual(2 + 3);
		expect(emulator().leftRunning()).toEqual([]);
	}, 120_000);

	// Each of these tests is its own fal account (its own key): what one execution learns about an account is
	// where the next execution on that account starts (dispatch/accountLimits.ts).
	const STREAM_DELAY_MS = 600;
	/** Jobs fal had before it could have answered any status stream: the node's window before any report. */
	const jobsBeforeFirstReport = () => {
		const streams = emulator().requestsTo('stream');
		const firstReport = Math.min(...streams.map((request) => request.at)) + STREAM_DELAY_MS;
		return jobsInSubmitOrder().filter((job) => job.createdAt < firstReport);
	};

	test('a new account: the first window is 4 jobs, for the first items, until fal reports on them', async () => {
		const account = { falApi: { apiKey: ACCOUNTS[0] } };
		emulator().setConcurrency(10);
		emulator().setLatency(1000);
		emulator().fault({ route: 'stream', delayMs: STREAM_DELAY_MS, times: Infinity });
		await runWorkflow({ ...batch(12), credentials: account, timeoutMs: 60_000 });
		expect(jobsBeforeFirstReport().map(promptOf).sort()).toEqual(['Item 0', 'Item 1', 'Item 2', 'Item 3']);
	}, 60_000);

	test('a later execution on the same account starts at the limit an earlier one learned', async () => {
		const account = { falApi: { apiKey: ACCOUNTS[1] } };
		emulator().setConcurrency(10);
		emulator().setLatency(300);
		await runWorkflow({ ...batch(40), credentials: account, timeoutMs: 60_000 });
		expect(emulator().stats().peakInProgress).toBe(10);

		emulator().reset();
		emulator().setLatency(1000);
		emulator().fault({ route: 'stream', delayMs: STREAM_DELAY_MS, times: Infinity });
		const result = await runWorkflow({ ...batch(30), credentials: account, timeoutMs: 60_000 });
		// The learned limit and as many again waiting, at once: no growing from 4 again.
		expect(jobsBeforeFirstReport()).toHaveLength(20);
		expect(emulator().stats().peakQueued).toBe(10);
		expect(result.items(NODE_NAME)).toHaveLength(30);

		// Another account (another key) still starts from 4.
		emulator().reset();
		emulator().fault({ route: 'stream', delayMs: STREAM_DELAY_MS, times: Infinity });
		await runWorkflow({ ...batch(8), credentials: { falApi: { apiKey: ACCOUNTS[2] } }, timeoutMs: 60_000 });
		expect(jobsBeforeFirstReport()).toHaveLength(4);
	}, 90_000);

	test('0 and an empty value also mean automatic', async () => {
		emulator().setConcurrency(8);
		// Jobs long enough that 8 overlap at fal even when the machine is busy (100 ms ones did not, under load).
		emulator().setLatency(300);
		await runWorkflow(batch(24, { concurrency: 0 }));
		expect(emulator().stats().peakInProgress).toBe(8);
		emulator().reset();
		await runWorkflow(batch(24, { concurrency: '' }));
		expect(emulator().stats().peakInProgress).toBe(8);
	});
});

describe('Max Concurrent Jobs', () => {
	test('is an upper bound: no more jobs at fal than it allows, even when the account runs more', async () => {
		emulator().setConcurrency(10);
		emulator().setLatency(100);
		await runWorkflow(batch(20, { concurrency: 3 }));
		expect(emulator().stats().peakInProgress).toBe(3);
		expect(emulator().stats().peakQueued).toBe(0);
	});

	test('1 runs items strictly one after another', async () => {
		emulator().setLatency(30);
		await runWorkflow(batch(5, { concurrency: 1 }));
		const jobs = jobsInSubmitOrder();
		expect(jobs).toHaveLength(5);
		expect(emulator().stats().peakInProgress).toBe(1);
		expect(jobs.map(promptOf)).toEqual(items(5).map(({ n }) => `Item ${n}`));
		for (let n = 1; n < jobs.length; n++) expect(jobs[n].createdAt).toBeGreaterThanOrEqual(jobs[n - 1].completedAt!);
	});

	test('1 runs binary items one after another, uploads included', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'dispatch-'));
		writeFileSync(join(dir, 'a.wav'), wav(20_000));
		emulator().setLatency(20);
		await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary', options: { concurrency: 1 } }, items(3), { binaryFiles: [{ path: join(dir, 'a.wav') }] }),
		});
		const routes = emulator().requests.map((request) => request.route);
		expect(routes).toEqual(Array.from({ length: 3 }, () => ['initiate', 'upload', 'submit', 'stream', 'result']).flat());
	});

	test('out of range fails before anything is sent', async () => {
		const result = await runWorkflow(batch(2, { concurrency: -1 }));
		expect(result.error(NODE_NAME)?.message).toBe('The "Max Concurrent Jobs" option is -1, which is not allowed [item 0]');
		expect(emulator().requests).toEqual([]);
	});
});

describe('failures and Stop under dispatch', () => {
	const failItem3 = () =>
		emulator().respondWith((input) =>
			input.prompt === 'Item 3' ? { error: { status: 422, body: { detail: 'bad audio' } } } : { output: `ok ${input.prompt}`, usage: {} },
		);

	test('Continue On Fail: every item has its output, in order, the failed one with its error', async () => {
		emulator().setConcurrency(2);
		emulator().setLatency(30);
		failItem3();
		const result = await runWorkflow(
			triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}' }, items(8), { continueOnFail: true }),
		);
		const output = result.items(NODE_NAME);
		expect(output.map((item) => item.json.error ?? item.json.output)).toEqual(
			items(8).map(({ n }) => (n === 3 ? 'fal rejected the input: bad audio (HTTP 422 from queue.fal.run) [item 3]' : `ok Item ${n}`)),
		);
		expect(output.map((item) => item.pairedItem)).toEqual(items(8).map((_, n) => ({ item: n })));
		expect(emulator().jobs.size).toBe(8);
	});

	test('without Continue On Fail the first failure stops the batch: no new jobs, none left running', async () => {
		emulator().setConcurrency(2);
		emulator().setLatency(200);
		failItem3();
		const result = await runWorkflow(batch(40));
		expect(result.error(NODE_NAME)?.message).toBe('fal rejected the input: bad audio (HTTP 422 from queue.fal.run) [item 3]');
		expect(emulator().jobs.size).toBeLessThan(40);
		expect(emulator().leftRunning()).toEqual([]);
	});

	test('Stop cancels every submitted job, running or waiting at fal', async () => {
		emulator().setConcurrency(2);
		emulator().setLatency(30_000);
		const result = await runWorkflow({ ...batch(20), cancelAfterMs: 1000 });
		expect(result.run.status).toBe('canceled');
		const jobs = [...emulator().jobs.values()];
		expect(jobs.length).toBeGreaterThanOrEqual(2);
		// Two ran and more waited at fal when the Stop came (a cancel frees a place, so fal may start a
		// waiting job just before its own cancel arrives).
		expect(jobs.length).toBeGreaterThan(2);
		expect(jobs.length).toBeLessThan(20);
		expect(jobs.every((job) => job.cancelled)).toBe(true);
		expect(emulator().leftRunning()).toEqual([]);
	});
});

describe('Upload Memory', () => {
	/** The most bytes whose upload fal's storage had begun (initiate) and not yet answered, at any moment. */
	function peakBytesInFlight(): number {
		const initiates = emulator().requestsTo('initiate');
		const uploads = emulator().requestsTo('upload');
		// Uploads of one size: pair each initiate with the upload answered n-th, by time.
		const ends = uploads.map((upload) => upload.answeredAt!).sort((a, b) => a - b);
		const starts = initiates.map((initiate) => initiate.at).sort((a, b) => a - b);
		const size = uploads[0].bytes;
		const events = [...starts.map((at) => ({ at, delta: size })), ...ends.map((at) => ({ at, delta: -size }))];
		events.sort((a, b) => a.at - b.at || a.delta - b.delta);
		let now = 0;
		let peak = 0;
		for (const event of events) peak = Math.max(peak, (now += event.delta));
		return peak;
	}

	const run = async (uploadMemoryMb: number) => {
		const dir = mkdtempSync(join(tmpdir(), 'budget-'));
		writeFileSync(join(dir, 'a.wav'), wav(600 * 1024));
		// Slow uploads, so uploads that may overlap do.
		emulator().fault({ route: 'upload', delayMs: 150, times: Infinity });
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary', options: { uploadMemoryMb } }, items(8), { binaryFiles: [{ path: join(dir, 'a.wav') }] }),
		});
		expect(result.items(NODE_NAME)).toHaveLength(8);
		expect(emulator().uploads.size).toBe(8);
		return peakBytesInFlight();
	};

	test('binary files are read and uploaded within the budget, across items', async () => {
		expect(await run(1)).toBeLessThanOrEqual(1024 * 1024);
	});

	test('with room in the budget, uploads overlap (the measure above can see it)', async () => {
		expect(await run(256)).toBeGreaterThan(1024 * 1024);
	});
});

/** A PCM WAV file of `dataBytes` of silence. */
function wav(dataBytes: number): Buffer {
	const file = Buffer.alloc(44 + dataBytes);
	file.write('RIFF', 0, 'latin1');
	file.writeUInt32LE(36 + dataBytes, 4);
	file.write('WAVEfmt ', 8, 'latin1');
	file.writeUInt32LE(16, 16);
	file.writeUInt16LE(1, 20);
	file.writeUInt16LE(1, 22);
	file.writeUInt32LE(16000, 24);
	file.writeUInt32LE(32000, 28);
	file.writeUInt16LE(2, 32);
	file.writeUInt16LE(16, 34);
	file.write('data', 36, 'latin1');
	file.writeUInt32LE(dataBytes, 40);
	return file;
}
