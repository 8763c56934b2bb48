import { ByteBudget } from '../../../../nodes/OpenRouterAudio/dispatch/bytes';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const never = new AbortController().signal;

describe('ByteBudget', () => {
	test('holds at most its capacity, first come first served', async () => {
		const budget = new ByteBudget(100);
		const started: string[] = [];
		const releases: Record<string, () => void> = {};
		const ask = (name: string, bytes: number) =>
			void budget.reserve(bytes, never).then((release) => {
				started.push(name);
				releases[name] = release;
			});
		ask('a', 60);
		ask('b', 60);
		ask('c', 10);
		await tick();
		// c would fit, but b asked first: no one overtakes.
		expect(started).toEqual(['a']);
		releases.a();
		await tick();
		expect(started).toEqual(['a', 'b', 'c']);
		expect(budget.reserved).toBe(70);
	});

	test('a file larger than the budget goes alone', async () => {
		const budget = new ByteBudget(100);
		const small = await budget.reserve(10, never);
		let bigStarted = false;
		const big = budget.reserve(500, never).then((release) => {
			bigStarted = true;
			return release;
		});
		await tick();
		expect(bigStarted).toBe(false);
		small();
		const releaseBig = await big;
		expect(budget.reserved).toBe(500);
		let afterStarted = false;
		void budget.reserve(1, never).then(() => (afterStarted = true));
		await tick();
		expect(afterStarted).toBe(false);
		releaseBig();
		releaseBig();
		await tick();
		expect(afterStarted).toBe(true);
		expect(budget.reserved).toBe(1);
	});

	test('an aborted waiter gives up its place', async () => {
		const budget = new ByteBudget(100);
		const held = await budget.reserve(100, never);
		const stop = new AbortController();
		const waiting = budget.reserve(50, stop.signal);
		stop.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		held();
		expect(budget.reserved).toBe(0);
	});
});
