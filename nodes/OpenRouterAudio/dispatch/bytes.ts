// Bytes of audio held in memory at once, across items: binary files are read into memory and uploaded
// while jobs may still wait their turn at fal, so reads and uploads are bounded by bytes, not by jobs.

interface Waiter {
	bytes: number;
	start: () => void;
	signal: AbortSignal;
	onAbort: () => void;
}

export class ByteBudget {
	private inUse = 0;
	private holders = 0;
	private readonly waiters: Waiter[] = [];

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
		if (this.waiters.length > 0 || !this.fits(bytes)) {
			await new Promise<void>((resolve, reject) => {
				const waiter: Waiter = {
					bytes,
					start: resolve,
					signal,
					onAbort: () => {
						this.waiters.splice(this.waiters.indexOf(waiter), 1);
						reject(signal.reason);
						this.wake();
					},
				};
				signal.addEventListener('abort', waiter.onAbort, { once: true });
				this.waiters.push(waiter);
			});
		} else {
			this.take(bytes);
		}
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
		while (this.waiters.length > 0 && this.fits(this.waiters[0].bytes)) {
			const waiter = this.waiters.shift()!;
			waiter.signal.removeEventListener('abort', waiter.onAbort);
			this.take(waiter.bytes);
			waiter.start();
		}
	}
}
