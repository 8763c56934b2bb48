import { AdaptiveDispatcher } from '../../../../nodes/OpenRouterAudio/dispatch/dispatcher';
import { reportStatus, type JobSlot } from '../../../../nodes/OpenRouterAudio/dispatch/slots';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AdaptiveDispatcher', () => {
	test('grants slots first come, first served, as the window allows', async () => {
		const dispatcher = new AdaptiveDispatcher(Infinity);
		const never = new AbortController().signal;
		const granted: number[] = [];
		const slots: JobSlot[] = [];
		for (let n = 0; n < 10; n++) {
			void dispatcher.acquire(never).then((slot) => {
				granted.push(n);
				slots.push(slot);
			});
		}
		await tick();
		expect(granted).toEqual([0, 1, 2, 3]);
		// All four run at once at fal: the window doubles and the next four in line get theirs.
		for (const slot of [...slots]) slot.running();
		await tick();
		expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		slots[0].release();
		await tick();
		expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
	});

	test('a waiter whose signal aborts leaves the line and the next one gets its turn', async () => {
		const dispatcher = new AdaptiveDispatcher(1);
		const never = new AbortController().signal;
		const first = await dispatcher.acquire(never);
		const stop = new AbortController();
		const aborted = dispatcher.acquire(stop.signal);
		const third = dispatcher.acquire(never);
		let fourthGranted = false;
		const fourth = dispatcher.acquire(never).then((slot) => ((fourthGranted = true), slot));
		stop.abort(new Error('item stopped'));
		await expect(aborted).rejects.toThrow('item stopped');
		expect(dispatcher.window.open).toBe(1);
		first.release();
		// The aborted waiter's turn went to the next in line, and only to it: the window of 1 holds the third's slot.
		const thirdSlot = await third;
		await tick();
		expect(fourthGranted).toBe(false);
		expect(dispatcher.window.open).toBe(1);
		thirdSlot.release();
		const fourthSlot = await fourth;
		expect(dispatcher.window.open).toBe(1);
		fourthSlot.release();
		expect(dispatcher.window.open).toBe(0);
	});

	test('fal\'s statuses move the slot; COMPLETED frees it', async () => {
		const dispatcher = new AdaptiveDispatcher(Infinity);
		const slot = await dispatcher.acquire(new AbortController().signal);
		const report = reportStatus(slot);
		report({ status: 'IN_QUEUE', queue_position: 0 });
		expect(dispatcher.window.queued).toBe(1);
		report({ status: 'IN_PROGRESS' });
		expect(dispatcher.window.running).toBe(1);
		report({ status: 'COMPLETED' });
		expect(dispatcher.window.open).toBe(0);
		slot.release();
		expect(dispatcher.window.open).toBe(0);
	});

	test('a job moving up fal\'s queue wakes no listener; a change of state does', async () => {
		const dispatcher = new AdaptiveDispatcher(Infinity);
		const slot = await dispatcher.acquire(new AbortController().signal);
		let heard = 0;
		dispatcher.onChange(() => heard++);
		const report = reportStatus(slot);
		report({ status: 'IN_QUEUE', queue_position: 5 });
		expect(heard).toBe(1);
		for (let position = 4; position >= 0; position--) report({ status: 'IN_QUEUE', queue_position: position });
		expect(heard).toBe(1);
		report({ status: 'IN_PROGRESS' });
		report({ status: 'IN_PROGRESS' });
		expect(heard).toBe(2);
		report({ status: 'COMPLETED' });
		expect(heard).toBe(3);
	});
});
