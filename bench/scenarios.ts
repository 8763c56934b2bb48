// Each scenario runs against the fal emulator on 127.0.0.1; the node runs in n8n-core's real engine.
import { createFalClient } from '@fal-ai/client';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runWorkflow, NODE_NAME, triggerThen } from '../test/tools/harness';
import { wav } from '../test/fixtures/wav';
import { heapUsedMb, measurePeakMemory, type MemoryPeak } from './memory';
import type { RemoteEmulator } from './remoteEmulator';

export const ENDPOINT = 'openrouter/router/audio';
const AUDIO = 'https://audio.example/bench.mp3';
const HOUR = 3_600_000;
/** Server time of every job in the batch scenarios. */
export const LATENCY_MS = 300;

export interface BatchRow {
	/** The account's limit on jobs IN_PROGRESS. */
	limit: number;
	items: number;
	/** What no client can beat: ceil(items / limit) waves of one job's time. */
	limitSeconds: number;
	/** The first run against a fresh emulator: new connections, code not yet optimized by V8. */
	coldSeconds: number;
	/** The median of the runs after it. */
	seconds: number;
	ratio: number;
	/** The fal client alone, told the limit (bareClientBatch), median of as many runs. */
	bareSeconds: number;
	bareRatio: number;
	/** The node's time over the bare client's. */
	overBare: number;
	/** The most jobs waiting IN_QUEUE, and running, in any of the node's runs. */
	peakQueued: number;
	peakInProgress: number;
	errors: number;
}

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
	const started = performance.now();
	const result = await work();
	return { result, seconds: (performance.now() - started) / 1000 };
}

/** The node at a given concurrency (undefined = its default), one workflow run over `count` items. */
export async function nodeBatch(count: number, concurrency?: number, extra: Record<string, unknown> = {}) {
	const options = { ...(concurrency === undefined ? {} : { concurrency }), ...extra };
	const { result, seconds } = await timed(() =>
		runWorkflow({
			...triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}', options }, items(count)),
			timeoutMs: HOUR,
		}),
	);
	const output = result.items(NODE_NAME);
	const errors = output.filter((item) => item.json.error !== undefined).length + (result.error(NODE_NAME) ? count : 0);
	return { seconds, errors, output, runData: result.runData };
}

/** What a user writes with the fal client alone: a loop of `subscribe` calls (default 500 ms polling). */
export async function plainSubscribeLoop(count: number) {
	const fal = createFalClient({ credentials: 'test-key' });
	let errors = 0;
	const { seconds } = await timed(async () => {
		for (const { n } of items(count)) {
			try {
				await fal.subscribe(ENDPOINT, { input: { audio_url: AUDIO, prompt: `Item ${n}`, model: 'google/gemini-3-flash-preview' } });
			} catch {
				errors++;
			}
		}
	});
	return { seconds, errors };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * (a) The node at its defaults against an emulated account (its `concurrency` is the account's limit): one
 * cold run, then `runs` more whose median is the result, each beside the bare fal client told the limit.
 */
export async function accountBatch(emulator: RemoteEmulator, count: number, runs = 3): Promise<BatchRow> {
	const { concurrency: limit } = await emulator.stats();
	const limitSeconds = (Math.ceil(count / limit) * LATENCY_MS) / 1000;
	const node: number[] = [];
	const bare: number[] = [];
	let peakQueued = 0;
	let peakInProgress = 0;
	let errors = 0;
	for (let run = 0; run <= runs; run++) {
		await emulator.reset();
		const result = await nodeBatch(count);
		const stats = await emulator.stats();
		peakQueued = Math.max(peakQueued, stats.peakQueued);
		peakInProgress = Math.max(peakInProgress, stats.peakInProgress);
		errors += result.errors;
		node.push(result.seconds);
		if (run > 0) bare.push((await bareClientBatch(emulator, count)).seconds);
	}
	const seconds = median(node.slice(1));
	const bareSeconds = median(bare);
	return {
		limit,
		items: count,
		limitSeconds,
		coldSeconds: round(node[0]),
		seconds: round(seconds),
		ratio: round(seconds / limitSeconds),
		bareSeconds: round(bareSeconds),
		bareRatio: round(bareSeconds / limitSeconds),
		overBare: round(seconds / bareSeconds),
		peakQueued,
		peakInProgress,
		errors,
	};
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * (b) What the node adds to each request above fal's own processing: one item per run, so the node's
 * execution time minus the job's time at the emulator is the node's share (client, engine, three HTTP calls).
 */
export async function addedTimePerRequest(emulator: RemoteEmulator, runs: number) {
	const added: number[] = [];
	for (let i = 0; i < runs; i++) {
		await emulator.reset();
		const result = await runWorkflow({ ...triggerThen({ audioUrl: AUDIO }), timeoutMs: HOUR });
		const [job] = await emulator.jobs();
		const server = (job.completedAt ?? 0) - (job.startedAt ?? 0);
		added.push(result.runData[NODE_NAME][0].executionTime - server);
	}
	const sorted = [...added].sort((a, b) => a - b);
	return { runs, medianMs: sorted[Math.floor(runs / 2)], p90Ms: sorted[Math.floor(runs * 0.9)], maxMs: sorted[runs - 1] };
}

/** (c) A large binary file: bytes that reached fal, and the process's memory peak while the node ran. */
export async function largeBinary(emulator: RemoteEmulator, dir: string, megabytes: number) {
	const path = join(dir, `bench-${megabytes}mb.wav`);
	writeFileSync(path, wav(megabytes * 1024 * 1024));
	await emulator.reset();
	const { result, memory } = await measurePeakMemory(() =>
		runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary', options: { maxFileSizeMb: megabytes + 1 } }, [{}], {
				binaryFiles: [{ path, mimeType: 'audio/wav' }],
			}),
			timeoutMs: HOUR,
		}),
	);
	const requests = await emulator.requests();
	const uploads = requests.filter((request) => request.route === 'upload' || request.route === 'upload-part');
	const jsonBytes = requests
		.filter((request) => request.route !== 'upload' && request.route !== 'upload-part')
		.reduce((sum, request) => sum + request.bytes, 0);
	return {
		fileMb: megabytes,
		fileBytes: megabytes * 1024 * 1024 + 44,
		uploadedBytes: uploads.reduce((sum, request) => sum + request.bytes, 0),
		uploadRequests: uploads.length,
		otherRequestBytes: jsonBytes,
		error: result.error(NODE_NAME)?.message ?? null,
		memory: memory satisfies MemoryPeak,
	};
}

/**
 * Heap across runs of growing size: while the run's outputs are still referenced, and after they are
 * released. The second number staying flat as items grow shows that nothing is kept per item.
 */
export async function heapGrowth(emulator: RemoteEmulator, sizes: number[]) {
	const points = [];
	for (const count of sizes) {
		await emulator.reset();
		const before = heapUsedMb();
		let run: Awaited<ReturnType<typeof nodeBatch>> | undefined = await nodeBatch(count, 50);
		const held = heapUsedMb();
		const outputs = run.output.length;
		run = undefined;
		// The emulator records every request it served; that is the test double's memory, not the node's.
		await emulator.reset();
		// n8n-core's DI container keeps the last execution's services until the next run resets it.
		await nodeBatch(1, 1);
		await emulator.reset();
		const released = heapUsedMb();
		points.push({ items: count, outputs, heldMb: round(held - before, 3), retainedAfterReleaseMb: round(released - before, 3) });
	}
	return points;
}

/**
 * (e) Stopping an execution: `count` items whose fal jobs would run for a minute are stopped after
 * `afterMs`; how long until the run has ended, and how many of the fal jobs were cancelled.
 */
export async function cancellation(emulator: RemoteEmulator, count: number, afterMs: number) {
	await emulator.reset();
	await emulator.setLatency(60_000);
	let cancelledAt = 0;
	const result = await runWorkflow({
		...triggerThen({ audioUrl: AUDIO, options: { concurrency: count } }, items(count)),
		onStart: ({ cancel }) => {
			setTimeout(() => {
				cancelledAt = performance.now();
				cancel();
			}, afterMs);
		},
		timeoutMs: 120_000,
	});
	const endedMs = performance.now() - cancelledAt;
	const jobs = await emulator.jobs();
	await emulator.setLatency(0);
	return { items: count, status: result.run.status, msFromStopToEnd: round(endedMs), jobs: jobs.length, jobsCancelled: jobs.filter((job) => job.cancelled).length };
}

/**
 * (a) beside the node: the fal client alone, told the account's limit, keeping `limit` jobs running and as many
 * queued ahead (submit, status stream, result), with no n8n, no checks and no retries. What is left between
 * this and `ceil(N / limit) x 300 ms` is the cost of making the requests on this machine.
 */
export async function bareClientBatch(emulator: RemoteEmulator, count: number) {
	await emulator.reset();
	const { concurrency: limit } = await emulator.stats();
	const fal = createFalClient({ credentials: 'test-key' });
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const n = next++;
			const { request_id: requestId } = await fal.queue.submit(ENDPOINT, {
				input: { audio_url: AUDIO, prompt: `Item ${n}`, model: 'google/gemini-3-flash-preview' },
			});
			const stream = await fal.queue.streamStatus(ENDPOINT, { requestId, logs: false });
			await stream.done();
			await fal.queue.result(ENDPOINT, { requestId });
		}
	};
	const { seconds } = await timed(() => Promise.all(Array.from({ length: 2 * limit }, worker)));
	return { seconds };
}

/**
 * (d2) The same batch run again and again in one process, outputs released after each: the heap after each
 * run above its level before the first. A leak shows as steady growth; the Retry On Fail memory (bounded)
 * adds a few hundred bytes per item.
 */
export async function repeatedRuns(emulator: RemoteEmulator, count: number, runs: number) {
	await emulator.reset();
	await nodeBatch(count, 50); // loads and optimizes the code first: not the runs' cost
	await emulator.reset();
	const before = heapUsedMb();
	const afterEach: number[] = [];
	for (let run = 0; run < runs; run++) {
		await nodeBatch(count, 50);
		await emulator.reset();
		await nodeBatch(1, 1); // n8n-core keeps the last execution's services until the next one
		await emulator.reset();
		afterEach.push(round(heapUsedMb() - before, 1));
	}
	return { items: count, heapAboveStartMb: afterEach };
}
