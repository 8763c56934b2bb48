import { AdaptiveWindow, aheadFor, INITIAL_WINDOW } from '../../../../nodes/OpenRouterAudio/dispatch/adaptive';

/** fal's queue in miniature: `limit` jobs run, the rest wait in order; reports go to the window at once. */
class Account {
	readonly running: number[] = [];
	readonly waiting: number[] = [];
	peakWaiting = 0;
	constructor(
		readonly window: AdaptiveWindow,
		public limit: number,
	) {}

	/** Submits jobs while the window has room; fal's answers about them arrive after the submits. */
	fill() {
		const submitted: number[] = [];
		while (this.window.hasRoom()) submitted.push(this.window.openJob());
		for (const id of submitted) {
			if (this.running.length < this.limit) {
				this.running.push(id);
				this.window.report(id, 'running');
			} else {
				this.waiting.push(id);
				this.peakWaiting = Math.max(this.peakWaiting, this.waiting.length);
				this.window.report(id, 'queued');
			}
		}
	}

	/** The oldest running job ends; fal starts waiting jobs while under its limit. */
	finishOne() {
		const id = this.running.shift();
		if (id !== undefined) this.window.closeJob(id);
		this.pump();
	}

	pump() {
		while (this.running.length < this.limit && this.waiting.length > 0) {
			const id = this.waiting.shift()!;
			this.running.push(id);
			this.window.report(id, 'running');
		}
	}

	/** `jobs` jobs end one by one, the window refilled after each. */
	run(jobs: number) {
		this.fill();
		for (let n = 0; n < jobs; n++) {
			this.finishOne();
			this.fill();
		}
	}
}

describe('AdaptiveWindow', () => {
	test('starts small and doubles while every submitted job runs at once', () => {
		const window = new AdaptiveWindow(Infinity);
		expect(window.window).toBe(INITIAL_WINDOW);
		const account = new Account(window, 1000);
		const seen: number[] = [];
		for (let round = 0; round < 4; round++) {
			seen.push(window.window);
			account.fill();
		}
		expect(seen).toEqual([4, 8, 16, 32]);
		expect(account.waiting).toEqual([]);
	});

	test.each([2, 10, 40])('settles at limit %i plus a queue ahead: every place at fal used, few jobs waiting', (limit) => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, limit);
		account.run(20 * limit);
		expect(window.limit).toBe(limit);
		expect(window.window).toBe(limit + aheadFor(limit));
		expect(account.running).toHaveLength(limit);
		expect(account.waiting).toHaveLength(aheadFor(limit));
		// Doubling overshoots by less than the limit once; after that the queue ahead is all that waits.
		expect(account.peakWaiting).toBeLessThanOrEqual(limit + aheadFor(limit));
	});

	test('holds while jobs wait in fal\'s queue', () => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, 4);
		account.run(40);
		const settled = window.window;
		account.run(200);
		expect(window.window).toBe(settled);
	});

	test('shrinks when the account runs fewer jobs than it did (a lower limit)', () => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, 20);
		account.run(200);
		expect(window.window).toBe(20 + aheadFor(20));
		account.limit = 5;
		account.run(200);
		expect(window.limit).toBe(5);
		expect(window.window).toBe(5 + aheadFor(5));
		expect(account.waiting).toHaveLength(aheadFor(5));
	});

	test('grows again when the account runs every job it is given (a higher limit)', () => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, 5);
		account.run(100);
		account.limit = 30;
		account.pump();
		account.run(200);
		// The first starts past the old limit came with no end heard, so they are taken for late reports
		// until the ends that follow have been heard: the limit may read one low, never high. Every place
		// of the higher limit is used, with jobs waiting ahead.
		expect(window.limit).toBeGreaterThanOrEqual(29);
		expect(window.limit).toBeLessThanOrEqual(30);
		expect(account.running).toHaveLength(30);
		expect(account.waiting.length).toBeGreaterThanOrEqual(aheadFor(29) - 1);
	});

	test('never exceeds the user\'s upper bound', () => {
		const window = new AdaptiveWindow(6);
		const account = new Account(window, 40);
		account.run(100);
		expect(window.window).toBe(6);
		expect(account.running).toHaveLength(6);
		expect(account.peakWaiting).toBe(0);
	});

	test('an upper bound of 1 keeps one job at a time', () => {
		const window = new AdaptiveWindow(1);
		const account = new Account(window, 40);
		account.fill();
		expect(window.open).toBe(1);
		account.run(10);
		expect(window.window).toBe(1);
		expect(window.open).toBe(1);
	});

	test('a job leaving the queue before the report of the job it replaced does not grow the window', () => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, 10);
		account.run(100);
		const settled = window.window;
		// fal finishes a job and starts a waiting one, but the start is reported first, many times over.
		for (let n = 0; n < 100; n++) {
			const done = account.running.shift()!;
			const next = account.waiting.shift()!;
			account.running.push(next);
			window.report(next, 'running');
			window.closeJob(done);
			account.fill();
		}
		// The limit may read one high while a report is late, never more: the error does not add up.
		expect(settled).toBe(10 + aheadFor(10));
		expect(window.limit).toBeLessThanOrEqual(11);
		expect(window.window).toBeLessThanOrEqual(11 + aheadFor(11));
		expect(account.waiting.length).toBeLessThanOrEqual(aheadFor(11) + 1);
	});

	test('while a job of ours waits at fal, newly submitted jobs heard running do not raise the limit', () => {
		const window = new AdaptiveWindow(Infinity);
		const first = Array.from({ length: 4 }, () => window.openJob());
		for (const id of first) window.report(id, 'running');
		expect(window.limit).toBe(4);
		expect(window.window).toBe(8);
		const [waiting, ...more] = Array.from({ length: 4 }, () => window.openJob());
		window.report(waiting, 'queued');
		// fal is full (a job waits, first in first out), so these starts took places whose jobs ended at fal
		// but whose ends a busy event loop has not heard yet: no new room.
		for (const id of more) window.report(id, 'running');
		expect(window.running).toBe(7);
		expect(window.limit).toBe(4);
		expect(window.window).toBe(8);
	});

	test('a whole wave ends and the whole queue starts, the starts heard first: the limit stays', () => {
		const window = new AdaptiveWindow(Infinity);
		const account = new Account(window, 10);
		account.run(100);
		expect(window.window).toBe(10 + aheadFor(10));
		// Equal jobs started together end together: fal ends all 10 and starts the 10 waiting ones, and the
		// node hears every start before any end, so for a moment nothing of ours waits and 20 look running.
		const ended = account.running.splice(0);
		account.pump();
		for (const id of ended) {
			expect(window.limit).toBe(10);
			window.closeJob(id);
			account.fill();
		}
		expect(window.limit).toBe(10);
		account.run(100);
		expect(window.limit).toBe(10);
		expect(account.peakWaiting).toBeLessThanOrEqual(10 + aheadFor(10));
	});

	test('a first report of a job waiting (the account busy with other work) still learns the limit', () => {
		const window = new AdaptiveWindow(Infinity);
		const first = window.openJob();
		window.report(first, 'queued');
		expect(window.limit).toBe(0);
		const account = new Account(window, 3);
		window.closeJob(first);
		account.run(60);
		expect(window.limit).toBe(3);
		expect(window.window).toBe(3 + aheadFor(3));
	});

	test('starts from a limit learned before: the window at once, and samples still correct it', () => {
		const window = new AdaptiveWindow(Infinity, 10);
		expect(window.limit).toBe(10);
		expect(window.window).toBe(10 + aheadFor(10));
		const account = new Account(window, 6);
		account.run(200);
		expect(window.limit).toBe(6);
		expect(window.window).toBe(6 + aheadFor(6));
		expect(new AdaptiveWindow(5, 10).window).toBe(5);
	});

	test('once the account was seen full, starts heard before the ends that made room raise the limit by one per end', () => {
		const window = new AdaptiveWindow(Infinity, 4);
		const first = Array.from({ length: 4 }, () => window.openJob());
		for (const id of first) window.report(id, 'running');
		// fal ended the first four (not heard yet) and started the next four, heard at once: nothing waits.
		const next = Array.from({ length: 4 }, () => window.openJob());
		for (const id of next) window.report(id, 'running');
		expect(window.running).toBe(8);
		expect(window.limit).toBe(4);
		expect(window.window).toBe(8);
		// Each end heard lets the limit rise by one at the next start above it, no more.
		window.closeJob(first[0]);
		window.report(window.openJob(), 'running');
		expect(window.limit).toBe(5);
		for (const id of first.slice(1)) window.closeJob(id);
		expect(window.limit).toBe(5);
	});

	test('repeated and late reports are harmless', () => {
		const window = new AdaptiveWindow(Infinity);
		const id = window.openJob();
		window.report(id, 'running');
		window.report(id, 'running');
		window.closeJob(id);
		window.closeJob(id);
		window.report(id, 'queued');
		expect(window.open).toBe(0);
		expect(window.running).toBe(0);
		expect(window.queued).toBe(0);
	});
});
