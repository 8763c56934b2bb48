// The fal emulator in its own thread, for the bench: fal is a remote server, so the emulator must not take
// the node's CPU time, nor have its job timers delayed by the node's work, as it would on one event loop.
// The bench's thread drives it through messages (remoteEmulator.ts).
import { parentPort, workerData } from 'node:worker_threads';

import { startFalEmulator, type FalEmulatorOptions } from '../test/tools/emulator';

export type EmulatorCall =
	| { op: 'reset' }
	| { op: 'stats' }
	| { op: 'setLatency'; ms: number }
	| { op: 'jobs' }
	| { op: 'requests' }
	| { op: 'close' };

async function main(port: NonNullable<typeof parentPort>) {
	const emulator = await startFalEmulator(workerData as FalEmulatorOptions);
	const answer = (call: EmulatorCall) => {
		switch (call.op) {
			case 'reset':
				return emulator.reset();
			case 'stats':
				return emulator.stats();
			case 'setLatency':
				return emulator.setLatency(call.ms);
			case 'jobs':
				// Only what the scenarios read: a job's clock and whether it was cancelled.
				return [...emulator.jobs.values()].map(({ createdAt, startedAt, completedAt, cancelled }) => ({ createdAt, startedAt, completedAt, cancelled }));
			case 'requests':
				return emulator.requests.map(({ route, bytes }) => ({ route, bytes }));
			case 'close':
				return emulator.close();
		}
	};
	port.on('message', async ({ id, call }: { id: number; call: EmulatorCall }) => {
		try {
			port.postMessage({ id, result: await answer(call) });
		} catch (error) {
			port.postMessage({ id, error: String(error) });
		}
		if (call.op === 'close') port.close();
	});
	port.postMessage({ ready: emulator.url });
}

if (parentPort) void main(parentPort);
