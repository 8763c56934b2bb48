// The bench's handle on the emulator: in its own thread (emulatorWorker.ts) or on the bench's event loop,
// the emulator's records and controls as async calls. Traffic goes over 127.0.0.1 either way; route.ts
// sends fal's hosts there.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { startFalEmulator, type FalEmulatorOptions, type FalEmulatorStats } from '../test/tools/emulator';
import type { EmulatorCall } from './emulatorWorker';

export interface JobClock {
	createdAt: number;
	startedAt?: number | null;
	completedAt?: number | null;
	cancelled?: boolean;
}

export interface RemoteEmulator {
	url: string;
	reset(): Promise<void>;
	stats(): Promise<FalEmulatorStats>;
	setLatency(ms: number): Promise<void>;
	jobs(): Promise<JobClock[]>;
	requests(): Promise<Array<{ route: string; bytes: number }>>;
	close(): Promise<void>;
}

export async function startRemoteEmulator(options: FalEmulatorOptions): Promise<RemoteEmulator> {
	const worker = new Worker(join(__dirname, 'emulatorWorker.js'), { workerData: options });
	const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
	let nextId = 0;
	const url = await new Promise<string>((resolve, reject) => {
		worker.once('error', reject);
		worker.on('message', (message: { ready?: string; id?: number; result?: unknown; error?: string }) => {
			if (message.ready) return resolve(message.ready);
			const call = pending.get(message.id!);
			pending.delete(message.id!);
			if (message.error) call?.reject(new Error(message.error));
			else call?.resolve(message.result);
		});
	});
	const call = <T>(request: EmulatorCall) =>
		new Promise<T>((resolve, reject) => {
			const id = nextId++;
			pending.set(id, { resolve, reject });
			worker.postMessage({ id, call: request });
		});
	return {
		url,
		reset: () => call({ op: 'reset' }),
		stats: () => call({ op: 'stats' }),
		setLatency: (ms) => call({ op: 'setLatency', ms }),
		jobs: () => call({ op: 'jobs' }),
		requests: () => call({ op: 'requests' }),
		close: async () => {
			await call({ op: 'close' });
			await worker.terminate();
		},
	};
}

/**
 * The emulator on the bench's own event loop, behind the same interface. For latency and memory: no thread
 * hop in each request's time, no second V8 heap in the process's memory. Its CPU is the node's thread's.
 */
export async function startLocalEmulator(options: FalEmulatorOptions): Promise<RemoteEmulator> {
	const emulator = await startFalEmulator(options);
	return {
		url: emulator.url,
		reset: async () => emulator.reset(),
		stats: async () => emulator.stats(),
		setLatency: async (ms) => emulator.setLatency(ms),
		jobs: async () => [...emulator.jobs.values()],
		requests: async () => emulator.requests.map(({ route, bytes }) => ({ route, bytes })),
		close: async () => await emulator.close(),
	};
}
