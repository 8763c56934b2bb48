import { WaitQueue } from '../lib/waitQueue';

// Bytes of audio held in memory at once, across items: binary files are read into memory and uploaded
// while jobs may still wait their turn at fal, so reads and uploads are bounded by bytes, not by jobs.

export class ByteBudget {
	private inUse = 0;
	private holders = 0;
	// A request that leaves the line may have held back smaller ones behind it.
	private readonly waiters = new WaitQueue<number, void>(() => this.wake());

	constructor(readonly capacity: number) {}

	/** Bytes reserved now. */
	get reserved(): number {
		return this.inUse;
	}

	/**
	 * Waits, first come first served, until `bytes` fit, then reserves them; the returned function gives
	 * them back (safe to call twice). A request larger than the whole budget goes when nothing else is held.
	 * Rejects with `signal.reason` when `signal` aborts first.
	 */
	async reserve(bytes: number, signal: AbortSignal): Promise<() => void> {
		signal.throwIfAborted();
		if (this.waiters.length > 0 || !this.fits(bytes)) await this.waiters.wait(bytes, signal);
		else this.take(bytes);
		let held = true;
		return () => {
			if (!held) return;
			held = false;
			this.inUse -= bytes;
			this.holders--;
			this.wake();
		};
	}

	private fits(bytes: number): boolean {
		return this.holders === 0 || this.inUse + bytes <= this.capacity;
	}

	private take(bytes: number) {
		this.inUse += bytes;
		this.holders++;
	}

	private wake() {
		for (let bytes = this.waiters.first(); bytes !== undefined && this.fits(bytes); bytes = this.waiters.first()) {
			this.take(bytes);
			this.waiters.admitFirst();
		}
	}
}
