import { sleep } from 'n8n-workflow';

import type { TimeLimits } from '../params/timeouts';
import { TIMER_CANCELLED } from '../transport/abort';

/** Which limit an item ran out of: "Timeout (Seconds)" or "Max Queue Wait (Seconds)". */
export class TimeLimitReached extends Error {
	override name = 'TimeLimitReached';

	constructor(
		readonly limit: 'timeout' | 'queueWait',
		readonly limitMs: number,
	) {
		super(limit === 'timeout' ? 'The item ran out of its "Timeout (Seconds)"' : 'The job waited past "Max Queue Wait (Seconds)"');
	}
}

/** What the item's time is spent on: its own work and the running job, fal's queue, or neither. */
export type Phase = 'active' | 'queued' | 'paused';

// A timer fires at once above this; longer limits re-arm in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * fal itself ends a job that waited past "Max Queue Wait" (its start timeout, sent with the submit). The node's
 * own watch fires this much later, only for the case where fal's word never arrives: it then cancels the job,
 * which fal removes from its queue unbilled.
 */
export const QUEUE_WAIT_GRACE_MS = 30_000;

/**
 * An item's two time budgets. "Timeout" is spent while the item works (upload, submit, result) and while its
 * job runs; "Max Queue Wait" while the job waits IN_QUEUE (enforced by fal, watched here with a grace); neither
 * while the item waits for a dispatch slot or reconciles a lost submit. `signal` aborts with TimeLimitReached
 * when the current phase's budget is used up.
 */
export class ItemClock {
	private readonly controller = new AbortController();
	private phase: Phase = 'paused';
	private since = Date.now();
	private readonly used: Record<Phase, number> = { active: 0, queued: 0, paused: 0 };
	private disarm = () => {};

	constructor(private readonly limits: TimeLimits) {}

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	enter(phase: Phase): void {
		if (phase === this.phase || this.controller.signal.aborted) return;
		this.used[this.phase] += Date.now() - this.since;
		this.since = Date.now();
		this.phase = phase;
		this.arm();
	}

	/** Time left in `phase`, by default the current one (Infinity: no limit applies to it). */
	remainingMs(phase: Phase = this.phase): number {
		const limit = this.limitOf(phase);
		if (!limit) return Infinity;
		return limit - this.used[phase] - (phase === this.phase ? Date.now() - this.since : 0);
	}

	stop(): void {
		this.disarm();
		this.phase = 'paused';
	}

	private limitOf(phase: Phase): number {
		if (phase === 'active') return this.limits.timeoutMs;
		if (phase === 'queued') return this.limits.queueWaitMs && this.limits.queueWaitMs + QUEUE_WAIT_GRACE_MS;
		return 0;
	}

	private arm(): void {
		this.disarm();
		const left = this.remainingMs();
		if (left === Infinity) return;
		if (left <= 0) return this.fire();
		// n8n-workflow's sleep clears its timer when aborted: a finished item leaves no timer running for the
		// rest of its limit (10 minutes by default), holding memory.
		const timer = new AbortController();
		sleep(Math.min(Math.ceil(left), MAX_TIMER_MS), timer.signal).then(
			() => (this.remainingMs() <= 0 ? this.fire() : this.arm()),
			() => {},
		);
		this.disarm = () => timer.abort(TIMER_CANCELLED);
	}

	private fire(): void {
		const reached = this.phase === 'queued' ? new TimeLimitReached('queueWait', this.limits.queueWaitMs) : new TimeLimitReached('timeout', this.limits.timeoutMs);
		this.controller.abort(reached);
	}
}
