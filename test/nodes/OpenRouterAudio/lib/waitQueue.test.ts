import { WaitQueue } from '../../../../nodes/OpenRouterAudio/lib/waitQueue';

describe('WaitQueue', () => {
	test('admits first come, first served, each with the value given', async () => {
		const line = new WaitQueue<string, number>();
		const first = line.wait('a', new AbortController().signal);
		const second = line.wait('b', new AbortController().signal);
		expect([line.length, line.first()]).toEqual([2, 'a']);
		line.admitFirst(1);
		line.admitFirst(2);
		line.admitFirst(3); // nobody waits: nothing happens
		expect(await Promise.all([first, second])).toEqual([1, 2]);
		expect(line.length).toBe(0);
	});

	test('a waiter whose signal aborts leaves the line with its reason, and the owner hears it', async () => {
		let left = 0;
		const line = new WaitQueue<string, number>(() => left++);
		const stop = new AbortController();
		const leaving = line.wait('a', stop.signal);
		const staying = line.wait('b', new AbortController().signal);
		stop.abort(new Error('stopped'));
		await expect(leaving).rejects.toThrow('stopped');
		expect([left, line.length, line.first()]).toEqual([1, 1, 'b']);
		line.admitFirst(7);
		expect(await staying).toBe(7);
	});
});
