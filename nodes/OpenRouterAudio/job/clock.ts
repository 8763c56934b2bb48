import type { TimeLimits } from '../fields/options';
import { TIMER_CANCELLED } from '../lib/signals';
import { sleepLong } from '../lib/timers';
import { TimeLimitReached } from '../outcome/stopCause';

/** What the item's time is spent on: its own work and the running job, fal's queue, or neither. */
export type Phase = 'active' | 'queued' | 'paused';

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

	/** `queueWaitGraceMs`: how long after "Max Queue Wait" the node's own watch fires (transport/waits.ts). */
	constructor(
		private readonly limits: TimeLimits,
		private readonly queueWaitGraceMs: number,
	) {}

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
		if (phase === 'queued') return this.limits.queueWaitMs && this.limits.queueWaitMs + this.queueWaitGraceMs;
		return 0;
	}

	private arm(): void {
		this.disarm();
		const left = this.remainingMs();
		if (left === Infinity) return;
		if (left <= 0) return this.fire();
		// Cancelled when the phase changes or the item ends: no timer runs on for the rest of its limit (10 minutes
		// by default), holding memory. A timer that fires a little early re-arms.
		const timer = new AbortController();
		sleepLong(Math.ceil(left), timer.signal).then(
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
