import { mapAdmitted } from '../../../../nodes/OpenRouterAudio/dispatch/pool';

/** The pool with a fixed limit, as Submit Job and Get Job use it. */
const mapConcurrent = async <T>(count: number, limit: number, worker: (index: number, stop: AbortSignal) => Promise<T>) =>
	await mapAdmitted(count, { limit: () => limit }, worker);

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrent', () => {
	test('keeps input order and never exceeds the limit', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapConcurrent(20, 4, async (index) => {
			running++;
			peak = Math.max(peak, running);
			// Later items finish first, so order can only come from the index.
			for (let i = 0; i < 20 - index; i++) await tick();
			running--;
			return index * 10;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
		expect(peak).toBe(4);
	});

	test('limit 1 runs strictly one after another', async () => {
		const log: string[] = [];
		await mapConcurrent(3, 1, async (index) => {
			log.push(`start ${index}`);
			await tick();
			log.push(`end ${index}`);
		});
		expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
	});

	test('the first failure stops new work, aborts running work and is thrown', async () => {
		const started: number[] = [];
		const aborted: number[] = [];
		const run = mapConcurrent(10, 2, async (index, stop) => {
			started.push(index);
			if (index === 1) throw new Error('item 1 failed');
			await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve()));
			aborted.push(index);
		});
		await expect(run).rejects.toThrow('item 1 failed');
		expect(started).toEqual([0, 1]);
		expect(aborted).toEqual([0]);
	});

	test('zero items return an empty list', async () => {
		await expect(mapConcurrent(0, 5, async () => 1)).resolves.toEqual([]);
	});
});

describe('mapAdmitted', () => {
	test('starts more items, in order, when the admission limit rises', async () => {
		let limit = 1;
		const listeners = new Set<() => void>();
		const admission = {
			limit: () => limit,
			onChange: (listener: () => void) => {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
		};
		const started: number[] = [];
		const gates: Array<() => void> = [];
		const run = mapAdmitted(6, admission, async (index) => {
			started.push(index);
			await new Promise<void>((resolve) => gates.push(resolve));
			return index;
		});
		await tick();
		expect(started).toEqual([0]);
		limit = 4;
		for (const listener of listeners) listener();
		expect(started).toEqual([0, 1, 2, 3]);
		limit = 1;
		for (const gate of gates.splice(0)) gate();
		await tick();
		await tick();
		// Back to 1: the four ended, one more starts.
		expect(started).toEqual([0, 1, 2, 3, 4]);
		for (let n = 0; n < 3; n++) {
			for (const gate of gates.splice(0)) gate();
			await tick();
			await tick();
		}
		await expect(run).resolves.toEqual([0, 1, 2, 3, 4, 5]);
		expect(listeners.size).toBe(0);
	});

	test('starts at most 8 items in one turn of the event loop, the rest on the next turns', async () => {
		const started: number[] = [];
		const gates: Array<() => void> = [];
		const run = mapAdmitted(20, { limit: () => 20 }, async (index) => {
			started.push(index);
			await new Promise<void>((resolve) => gates.push(resolve));
			return index;
		});
		// The first requests of the first items go out before later items read their fields.
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		await new Promise((resolve) => setTimeout(resolve, 5));
		expect(started.length).toBeGreaterThan(8);
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(started).toEqual(Array.from({ length: 20 }, (_, n) => n));
		for (const gate of gates.splice(0)) gate();
		await expect(run).resolves.toEqual(Array.from({ length: 20 }, (_, n) => n));
	});
});
