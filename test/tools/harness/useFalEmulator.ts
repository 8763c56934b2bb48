// Starts the fal emulator for a test file and routes the process's fetch (the fal client's transport) to it.
import { routeFetchToEmulator } from '../emulator/route';
import { startFalEmulator, type FalEmulator, type FalEmulatorOptions } from '../emulator/server';
export { defaultAnswer } from '../emulator/validate';

export const FIXTURES = `${__dirname}/../../fixtures/audio`;
/** An audio URL for tests that need any: fal fetches a URL itself, so the node sends it as it is. */
export const AUDIO = 'https://audio.example/a.mp3';

export function useFalEmulator(options: FalEmulatorOptions = {}): () => FalEmulator {
	let emulator: FalEmulator | undefined;
	let restore: (() => void) | undefined;
	beforeAll(async () => {
		emulator = await startFalEmulator(options);
		restore = routeFetchToEmulator(emulator.url);
	});
	// reset() keeps latency and answers; each test starts from the file's own settings.
	afterEach(() => {
		emulator?.reset();
		emulator?.setLatency(options.latencyMs ?? 0);
		emulator?.respondWith(options.respondWith);
	});
	afterAll(async () => {
		restore?.();
		await emulator?.close();
	});
	return () => {
		if (!emulator) throw new Error('the emulator is not running');
		return emulator;
	};
}

/** The bodies of the jobs fal received, in submission order. */
export const submittedBodies = (emulator: FalEmulator) =>
	emulator.requestsTo('submit').map((request) => request.body);

