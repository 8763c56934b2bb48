// How many jobs to keep submitted, learned from what fal reports about them. fal never refuses a job for
// concurrency: the account runs up to its limit IN_PROGRESS and queues the rest. So the window of
// submitted, unfinished jobs grows while every job starts running at once, and once jobs wait in fal's
// queue it settles at the learned limit plus a queue ahead, so a job finishing at fal is replaced at once.

export type SlotState = 'submitting' | 'queued' | 'running';

/** Jobs kept waiting at fal beyond the learned limit, at least this many. */
const MIN_AHEAD = 2;
/**
 * The first window: a new fal account's limit (2) and its queue ahead, where the window of such an account
 * settles anyway. A larger account's window grows from here, one round of reports sooner than from 2.
 */
export const INITIAL_WINDOW = 2 + MIN_AHEAD;

/**
 * Queue ahead of a learned limit: as many jobs again, at least 2. A job ending at fal is replaced by a
 * waiting one at once, while the item that takes the freed slot submits its job; jobs of the same length
 * started together also end together, so a whole wave of them may need replacing at once.
 */
export const aheadFor = (limit: number) => Math.max(MIN_AHEAD, limit);

/**
 * The window arithmetic, without timers or I/O. Each job is `open`ed when it may be submitted, moves
 * through `queued`/`running` as fal reports it (repeats are harmless) and is `close`d when it ends.
 */
export class AdaptiveWindow {
	private readonly jobs = new Map<number, SlotState>();
	private nextId = 0;
	private counts = { submitting: 0, queued: 0, running: 0 };
	private target: number;
	private learned = 0;
	/**
	 * The account was seen full (a job of ours waited at fal) or its limit is known from before. From then on
	 * the limit grows by one per job end heard, not to whatever count is reported running: a start heard
	 * before the end that made room for it would otherwise pass for room (a busy event loop hears late).
	 */
	private proven = false;
	private mayRaise = false;
	/**
	 * Every job that ends at fal lets a waiting one start. Starts of waiting jobs reported minus ends reported:
	 * above 0, a start was heard before the end that made room for it (reports come on separate streams), and
	 * the running count is that much too high until those ends are heard, also after the queue has emptied
	 * (a whole wave of equal jobs ends together and the whole queue starts). Below 0 (ends heard first) it
	 * stops at the number of jobs still waiting, which are the starts to come.
	 */
	private startsAhead = 0;
	/** While jobs wait at fal: the most seen running in the current run of samples, to notice a lower limit. */
	private sampleMax = 0;
	private samples = 0;

	/**
	 * `max`: the user's upper bound (Infinity = automatic). `known`: the limit an earlier execution learned for
	 * this account, to start from instead of growing from INITIAL_WINDOW; samples correct it as usual.
	 */
	constructor(
		readonly max: number,
		known = 0,
	) {
		this.proven = known > 0;
		this.learned = this.proven ? known : 0;
		this.target = Math.min(max, known > 0 ? known + aheadFor(known) : INITIAL_WINDOW);
	}

	/** Jobs that may be submitted and unfinished at once now. */
	get window(): number {
		return this.target;
	}

	/** The most jobs fal was seen running at once for this account (0 until a job ran). */
	get limit(): number {
		return this.learned;
	}

	get open(): number {
		return this.jobs.size;
	}

	get running(): number {
		return this.counts.running;
	}

	get queued(): number {
		return this.counts.queued;
	}

	hasRoom(): boolean {
		return this.jobs.size < this.target;
	}

	/** A job was given its turn to submit; returns its id. */
	openJob(): number {
		const id = this.nextId++;
		this.jobs.set(id, 'submitting');
		this.counts.submitting++;
		return id;
	}

	/** Returns false when the report changes nothing (fal repeats a status, e.g. each queue position). */
	report(id: number, state: 'queued' | 'running'): boolean {
		const before = this.jobs.get(id);
		if (before === undefined || before === state) return false;
		// fal's queue is first in, first out: while a job of ours waits, a job of ours that starts took the place
		// of one that ended, whether it waited (heard queued) or was just submitted.
		if (before === 'queued' || (state === 'running' && this.counts.queued > 0)) this.startsAhead++;
		this.move(id, before, state);
		this.learn();
		return true;
	}

	closeJob(id: number): void {
		const before = this.jobs.get(id);
		if (before === undefined) return;
		this.counts[before]--;
		this.jobs.delete(id);
		if (before === 'running') {
			this.startsAhead--;
			this.mayRaise = true;
		}
		this.startsAhead = Math.max(-this.counts.queued, this.startsAhead);
		if (this.counts.queued > 0) this.sample();
	}

	private move(id: number, from: SlotState, to: SlotState) {
		this.counts[from]--;
		this.counts[to]++;
		this.jobs.set(id, to);
	}

	/**
	 * The window follows the learned limit. While every job runs, each new most-running raises it, so the
	 * window doubles per round of reports; once jobs wait, it stays at the limit plus the queue ahead, and
	 * only samples move it: more jobs reported running than the limit while one of ours waits means the
	 * reports of jobs that ended are late (a busy event loop), not room.
	 */
	private learn() {
		if (this.counts.queued > 0) {
			this.proven = true;
			return this.sample();
		}
		this.startsAhead = Math.max(0, this.startsAhead);
		const running = this.runningAtFal();
		if (running > this.learned) {
			if (!this.proven) this.learned = running;
			else if (this.mayRaise) {
				this.learned++;
				this.mayRaise = false;
			}
		}
		this.retarget();
	}

	private runningAtFal(): number {
		return this.counts.running - Math.max(0, this.startsAhead);
	}

	private retarget() {
		this.target = Math.max(1, Math.min(this.max, this.learned + aheadFor(this.learned)));
	}

	/**
	 * While jobs wait at fal, the account is full: the running count is its limit. Over a run of samples as
	 * long as the window, the most seen running replaces the learned limit, so a lower limit (another
	 * workflow sharing the account, a changed plan) shrinks the window, and a higher one grows it once the
	 * ends of the jobs before the extra starts have been heard.
	 */
	private sample() {
		this.sampleMax = Math.max(this.sampleMax, this.runningAtFal());
		this.samples++;
		if (this.samples >= Math.max(8, 2 * this.target)) {
			if (this.sampleMax > 0) this.learned = this.sampleMax;
			this.sampleMax = 0;
			this.samples = 0;
		}
		this.retarget();
	}
}
