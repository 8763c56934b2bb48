import type { JobFate } from '../outcome/jobFate';
import { WaitQueue } from '../lib/waitQueue';

// What one execution's jobs of one node cost, and the gate "Max Cost per Execution" puts before every new job.
//
// fal reports a job's cost only in its answer (`usage.cost`), after it ran. So the gate counts what the finished
// jobs cost, and holds every job still open at the highest cost seen so far: a new job is sent only while
//   spent + (open jobs + jobs billed without a reported cost + this one) × highest cost seen <= limit,
// and, until a first cost is known, only while no other job is open (the first job runs alone). Once no job is
// open and the next one could still pass the limit, the limit is reached: no job is sent again in this execution.
// The total can then pass the limit only by what no one could know before: a job that costs more than any before
// it (the first one included), or one that runs on after a cancel and is billed more than the highest cost seen.

/** Costs are sums of decimal numbers, not exact in binary: a millionth of a cent is no difference. */
const EPSILON = 1e-9;

/** What became of one item's job, as far as its cost goes (for the run's report). */
export type ItemCost =
	/** fal reported what it cost. */
	| { kind: 'paid'; requestId: string; cost: number }
	/** fal bills it, or may (it ran, or may still), without having told the node what: in the fal dashboard. */
	| { kind: 'unpriced'; requestId?: string }
	/** No job, or one fal ended without running it: nothing billed. */
	| { kind: 'unbilled' }
	/** Max Cost per Execution did not let it send a job. */
	| { kind: 'notSent' };

export type Verdict = 'send' | 'stop';

export class SpendLedger {
	/** "Max Cost per Execution (USD)"; 0 = no limit. */
	limit = 0;
	/** The execution's jobs by request ID: the cost fal reported, or null while it reported none. */
	private readonly jobs = new Map<string, number | null>();
	/** Jobs sent (or taken over) whose cost is not known yet: each may still add up to the highest cost seen. */
	private open = 0;
	private readonly line = new WaitQueue<undefined, Verdict>(() => this.review());
	/**
	 * A job whose answer came without a cost: with it, what is spent cannot be known, so the limit cannot be kept
	 * and sends nothing more. (A job that failed is another matter: it counts at the highest cost seen.)
	 */
	answeredWithoutCost: string | undefined;
	/** What was spent when the limit first stopped a job: it stays reached for the execution. */
	reachedAt: { spent: number; jobs: number } | undefined;
	/** The current run's items (a retry of the node, or its next run in a loop, starts a new report). */
	readonly items = new Map<number, ItemCost>();

	/** The sum of the costs fal reported. */
	get spent(): number {
		let sum = 0;
		for (const cost of this.jobs.values()) sum += cost ?? 0;
		return sum;
	}

	/** The highest cost fal reported for a job of this execution; undefined before the first. */
	get highest(): number | undefined {
		let max: number | undefined;
		for (const cost of this.jobs.values()) if (cost !== null && (max === undefined || cost > max)) max = cost;
		return max;
	}

	/** Jobs that fal bills, or may, without a reported cost. */
	get unpriced(): number {
		let count = 0;
		for (const cost of this.jobs.values()) if (cost === null) count++;
		return count;
	}

	/** Jobs of this execution that were or may be billed. */
	get jobCount(): number {
		return this.jobs.size;
	}

	/** Jobs waiting at the gate. */
	get waiting(): number {
		return this.line.length;
	}

	/**
	 * Resolves 'send' once a new job fits under the limit (it is then open until `close`), 'stop' when it cannot;
	 * rejects with the signal's reason when `signal` aborts first. Jobs are let through in the order they asked.
	 */
	async admit(signal: AbortSignal): Promise<Verdict> {
		signal.throwIfAborted();
		if (this.line.length === 0) {
			const verdict = this.verdict();
			if (verdict !== 'wait') return this.decided(verdict);
		}
		return await this.line.wait(undefined, signal);
	}

	/** A job that was sent before (an earlier try's, taken over): not gated, but open until `close`. */
	hold(): void {
		this.open++;
	}

	/** An open job ended or its cost is known: the jobs waiting may now fit. */
	close(): void {
		this.open--;
		this.review();
	}

	/** What fal reported a job cost (null: it reported none); a job is counted once, however often it is read. */
	record(key: string, cost: number | null): void {
		if (typeof this.jobs.get(key) === 'number') return;
		this.jobs.set(key, cost);
	}

	/** fal's answer for a job, with the cost it reported (null: none, and the limit cannot be kept any more). */
	answer(requestId: string, cost: number | null): void {
		this.record(requestId, cost);
		if (cost === null && typeof this.jobs.get(requestId) !== 'number') this.answeredWithoutCost ??= requestId;
	}

	has(key: string): boolean {
		return this.jobs.has(key);
	}

	costOf(key: string): number | null | undefined {
		return this.jobs.get(key);
	}

	private verdict(): Verdict | 'wait' {
		if (this.limit <= 0) return 'send';
		if (this.reachedAt || this.answeredWithoutCost) return 'stop';
		const highest = this.highest;
		if (highest === undefined) return this.open === 0 ? 'send' : 'wait';
		const bound = this.spent + (this.open + this.unpriced + 1) * highest;
		if (bound <= this.limit + EPSILON) return 'send';
		// A job still open may cost less than the highest seen, and make room.
		return this.open > 0 ? 'wait' : 'stop';
	}

	private decided(verdict: Verdict): Verdict {
		if (verdict === 'send') this.open++;
		else this.reachedAt ??= { spent: this.spent, jobs: this.jobCount };
		return verdict;
	}

	private review(): void {
		while (this.line.length > 0) {
			const verdict = this.verdict();
			if (verdict === 'wait') return;
			this.line.admitFirst(this.decided(verdict));
		}
	}
}

/**
 * Whether fal bills, or may bill, a job that ended this way without a reported cost. Only a job that never ran is
 * free: ended unstarted by its start timeout, or removed from fal's queue by a cancel (fal.ai/docs/inference-api/queue/cancel).
 * Anything else ran or may still run (a cancel is only passed on to a running job), or is unknown: counted.
 */
export function mayBeBilled(fate: JobFate): boolean {
	if (fate.kind === 'endedUnstarted') return false;
	if (fate.kind === 'cancel') return !(fate.answer === 'requested' && fate.seenAs === 'queued');
	return true;
}
