import { inactivity, sleepLong } from '../../../../nodes/OpenRouterAudio/lib/timers';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settledWithin = async (promise: Promise<unknown>, ms: number) =>
	await Promise.race([promise.then(() => true), wait(ms).then(() => false)]);

test('touches keep the watchdog quiet past its limit; silence for the limit fires it', async () => {
	const idle = inactivity(150);
	const started = Date.now();
	for (let n = 0; n < 5; n++) {
		await wait(60);
		idle.touch();
	}
	// 300 ms have passed, twice the limit, but never 150 ms without a touch.
	expect(await settledWithin(idle.stalled, 0)).toBe(false);
	await expect(idle.stalled).resolves.toBe('stalled');
	expect(Date.now() - started).toBeGreaterThanOrEqual(300 + 140);
});

test('stop() releases the timer: the watchdog never fires', async () => {
	const idle = inactivity(50);
	idle.stop();
	expect(await settledWithin(idle.stalled, 150)).toBe(false);
});

describe('sleepLong', () => {
	afterEach(() => jest.useRealTimers());

	test('a wait longer than a Node timer can hold (2^31 - 1 ms) neither fires at once nor early', async () => {
		jest.useFakeTimers();
		let done = false;
		void sleepLong(2 ** 31 + 1000, new AbortController().signal).then(() => (done = true));
		await jest.advanceTimersByTimeAsync(2 ** 31 - 1);
		expect(done).toBe(false);
		await jest.advanceTimersByTimeAsync(1001);
		expect(done).toBe(true);
	});

	test('an abort ends it with the signal\'s reason', async () => {
		const stop = new AbortController();
		const sleeping = sleepLong(60_000, stop.signal);
		stop.abort(new Error('stopped'));
		await expect(sleeping).rejects.toThrow('stopped');
	});
});
