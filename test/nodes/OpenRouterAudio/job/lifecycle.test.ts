import type { IExecuteFunctions } from 'n8n-workflow';
import { getEventListeners } from 'node:events';

import type { ItemRun } from '../../../../nodes/OpenRouterAudio/job/lifecycle';
import type { JobSlot, JobSlots } from '../../../../nodes/OpenRouterAudio/dispatch/slots';
import { TimeLimitReached } from '../../../../nodes/OpenRouterAudio/outcome/stopCause';
import { ItemClock } from '../../../../nodes/OpenRouterAudio/job/clock';
import { JobLifecycle } from '../../../../nodes/OpenRouterAudio/job/lifecycle';
import { SpendLedger } from '../../../../nodes/OpenRouterAudio/money/ledger';
import { createFalSession } from '../../../../nodes/OpenRouterAudio/transport/session';
import { WAITS } from '../../../../nodes/OpenRouterAudio/transport/waits';
import { node, useFalEmulator } from '../../../tools/harness';

// The lifecycle with the real fal client against the emulator, and a dispatcher that records what it is told
// (the JobSlots contract in dispatch/slots.ts).
const emulator = useFalEmulator({ apiKeys: ['test-key'], latencyMs: 300 });
const input = { audio_url: 'https://audio.example/a.mp3', prompt: 'Hello', model: 'google/gemini-2.5-flash' };
const policy = { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 100 };

function recordingSlots() {
	const events: string[] = [];
	const slots: JobSlots = {
		acquire: async (signal) => {
			signal.throwIfAborted();
			events.push('acquire');
			const slot: JobSlot = {
				queued: (position) => events.push(`queued ${position}`),
				running: () => events.push('running'),
				release: () => events.push('release'),
			};
			return slot;
		},
	};
	return { slots, events };
}

/** What the lifecycle wrote to n8n's log. */
const logged: string[] = [];
beforeEach(() => (logged.length = 0));

function itemRun(slots: JobSlots, stop = new AbortController().signal): ItemRun {
	const ctx = {
		getNode: () => node,
		getExecutionId: () => 'exec-1',
		logger: { info: (message: string) => logged.push(message) },
	} as unknown as IExecuteFunctions;
	return { ctx, session: createFalSession('test-key', policy), itemIndex: 0, stop, cancelSignal: undefined, slots, spend: new SpendLedger() };
}
const limits = { timeoutMs: 20_000, queueWaitMs: 20_000 };

test('prepared → uploaded → submitted → running → completed, with the slot acquired before submit and released at the end', async () => {
	const { slots, events } = recordingSlots();
	const job = new JobLifecycle(itemRun(slots), limits, policy);
	const states: string[] = [job.state];
	const result = await job.execute(async () => {
		await job.upload(async () => input.audio_url);
		states.push(job.state);
		await job.submit(input);
		states.push(job.state);
		await job.waitForCompletion();
		states.push(job.state);
		return await job.result();
	});
	expect(states).toEqual(['prepared', 'uploaded', 'submitted', 'completed']);
	expect((result.data as { output: string }).output).toMatch(/Hello/);
	expect(events[0]).toBe('acquire');
	expect(events).toContain('running');
	expect(events.at(-1)).toBe('release');
	// An operator can recover a paid answer from n8n's log if the process dies.
	expect(logged).toEqual([`fal job ${job.requestId} submitted for item 0 of node "${node.name}" (execution exec-1)`]);
	// Node keeps a signal from AbortSignal.any alive while it has an abort listener: one left behind would hold
	// every finished item's job in memory for the life of the n8n process.
	expect(getEventListeners(job.signal, 'abort')).toEqual([]);
});

test('a job that waits in fal\'s queue is reported queued with its position', async () => {
	emulator().setConcurrency(1);
	try {
		const first = recordingSlots();
		const second = recordingSlots();
		const run = async (recorded: ReturnType<typeof recordingSlots>) => {
			const job = new JobLifecycle(itemRun(recorded.slots), limits, policy);
			await job.execute(async () => {
				await job.upload(async () => input.audio_url);
				await job.submit(input);
				await job.waitForCompletion();
			});
		};
		await Promise.all([run(first), run(second)]);
		expect([...first.events, ...second.events]).toContain('queued 0');
	} finally {
		emulator().setConcurrency(Infinity);
	}
});

test('a submit fal refuses: the slot is released, the job never existed, the state is failed', async () => {
	emulator().fault({ route: 'submit', status: 401, body: { detail: 'No' } });
	const { slots, events } = recordingSlots();
	const job = new JobLifecycle(itemRun(slots), limits, policy);
	await expect(
		job.execute(async () => {
			await job.upload(async () => input.audio_url);
			await job.submit(input);
		}),
	).rejects.toThrow('fal refused the API key (HTTP 401 from queue.fal.run) [item 0]');
	expect(events).toEqual(['acquire', 'release']);
	expect(job.state).toBe('failed');
});

test('a sibling failure while running: fal is asked to cancel, and the item does not claim the job stopped', async () => {
	emulator().setLatency(30_000);
	const stop = new AbortController();
	const { slots, events } = recordingSlots();
	const job = new JobLifecycle(itemRun(slots, stop.signal), limits, policy);
	const running = job.execute(async () => {
		await job.upload(async () => input.audio_url);
		await job.submit(input);
		void until(() => job.state === 'running').then(() => stop.abort(new Error('another item failed')));
		await job.waitForCompletion();
	});
	const error = await running.then(() => undefined, (reason: { message: string; description: string }) => reason);
	expect(error?.message).toBe('Stopped because another item failed [item 0]');
	expect(error?.description).toMatch(/^fal job \S+ was running: fal passed the cancel on to it, and it may run on to its end and be billed/);
	// A running job's cancel is only passed on: the item cannot say it ended.
	expect(job.state).toBe('failed');
	expect([...emulator().jobs.values()][0].cancelRequestedAt).not.toBeNull();
	expect(events.at(-1)).toBe('release');
});

test('a sibling failure while the job waits in fal\'s queue: fal removes it, state cancelled', async () => {
	emulator().setConcurrency(0);
	const stop = new AbortController();
	const { slots } = recordingSlots();
	const job = new JobLifecycle(itemRun(slots, stop.signal), limits, policy);
	const queued = job.execute(async () => {
		await job.upload(async () => input.audio_url);
		await job.submit(input);
		setTimeout(() => stop.abort(new Error('another item failed')), 300);
		await job.waitForCompletion();
	});
	await expect(queued).rejects.toThrow('Stopped because another item failed [item 0]');
	expect(job.state).toBe('cancelled');
	expect([...emulator().jobs.values()][0]).toMatchObject({ endedUnstarted: 'cancelled', cancelledWhile: 'IN_QUEUE' });
	emulator().setConcurrency(Infinity);
});

async function until(check: () => boolean, ms = 5000) {
	for (const started = Date.now(); !check() && Date.now() - started < ms; ) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('ItemClock', () => {
	test('queue time is not Timeout time, and each limit fires with its name', async () => {
		const clock = new ItemClock({ timeoutMs: 300, queueWaitMs: 5000 }, WAITS.queueWaitGraceMs);
		clock.enter('active');
		clock.enter('queued');
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(clock.signal.aborted).toBe(false);
		clock.enter('active');
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(clock.signal.reason).toEqual(expect.any(TimeLimitReached));
		expect((clock.signal.reason as TimeLimitReached).limit).toBe('timeout');
	});

	test('a limit above 2^31-1 ms does not fire early', async () => {
		const clock = new ItemClock({ timeoutMs: 2 ** 33, queueWaitMs: 0 }, WAITS.queueWaitGraceMs);
		clock.enter('active');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(clock.signal.aborted).toBe(false);
		expect(clock.remainingMs()).toBeGreaterThan(2 ** 32);
		clock.stop();
	});
});
