import { inactivity } from '../../../../nodes/OpenRouterAudio/job/inactivity';

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
