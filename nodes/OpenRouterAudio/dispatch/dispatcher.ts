import { WaitQueue } from '../lib/waitQueue';
import { AdaptiveWindow } from './adaptive';
import type { JobSlot, JobSlots } from './slots';

/** Items prepared ahead of the window at least: while it doubles from 2, the next items are ready. */
const PREPARED_AHEAD = 8;

/**
 * One execution's job slots: granted first come, first served while the adaptive window has room. Items
 * ask in input order, so they get their turn in input order. `onChange` hears every change of the window
 * or of the slots in use, so the router can let more items prepare ahead.
 */
export class AdaptiveDispatcher implements JobSlots {
	readonly window: AdaptiveWindow;
	private readonly waiters = new WaitQueue<undefined, JobSlot>();
	private readonly listeners = new Set<() => void>();

	/** `max`: "Max Concurrent Jobs", Infinity when automatic; `known`: the account's limit learned before. */
	constructor(max: number, known?: number) {
		this.window = new AdaptiveWindow(max, known);
	}

	async acquire(signal: AbortSignal): Promise<JobSlot> {
		signal.throwIfAborted();
		if (this.waiters.length === 0 && this.window.hasRoom()) return this.grant();
		return await this.waiters.wait(undefined, signal);
	}

	/**
	 * Items that may be started (preparing, uploading, waiting for a slot or running a job): the window and
	 * half as many again, at least PREPARED_AHEAD, so items read their fields and upload while earlier jobs
	 * start, and a growing window finds them ready to submit. A window of 1 runs items one after another.
	 */
	itemsAhead(): number {
		const { window } = this.window;
		return window <= 1 ? 1 : window + Math.max(PREPARED_AHEAD, Math.ceil(window / 2));
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private grant(): JobSlot {
		const id = this.window.openJob();
		let released = false;
		return {
			// A queued job hears of every move up fal's queue: only a change of state is worth a look at the line.
			queued: () => {
				if (!released && this.window.report(id, 'queued')) this.changed();
			},
			running: () => {
				if (!released && this.window.report(id, 'running')) this.changed();
			},
			release: () => {
				if (released) return;
				released = true;
				this.window.closeJob(id);
				this.changed();
			},
		};
	}

	private changed() {
		while (this.waiters.length > 0 && this.window.hasRoom()) this.waiters.admitFirst(this.grant());
		for (const listener of this.listeners) listener();
	}
}
