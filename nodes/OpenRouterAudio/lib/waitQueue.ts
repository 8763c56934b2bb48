/**
 * A first-come, first-served line of waiters. Each waits with a payload (what it asks for) until it is admitted
 * with a value; one whose signal aborts first leaves the line, and its wait rejects with the signal's reason.
 */
export class WaitQueue<Payload, Value> {
	private readonly waiting: Array<{ payload: Payload; admit: (value: Value) => void; signal: AbortSignal; leave: () => void }> = [];

	/** `onLeave` hears a waiter leave the line unadmitted (the one behind it may now fit). */
	constructor(private readonly onLeave: () => void = () => {}) {}

	get length(): number {
		return this.waiting.length;
	}

	/** What the first waiter asks for; undefined when nobody waits. */
	first(): Payload | undefined {
		return this.waiting[0]?.payload;
	}

	wait(payload: Payload, signal: AbortSignal): Promise<Value> {
		return new Promise<Value>((resolve, reject) => {
			const waiter = {
				payload,
				admit: resolve,
				signal,
				leave: () => {
					this.waiting.splice(this.waiting.indexOf(waiter), 1);
					reject(signal.reason);
					this.onLeave();
				},
			};
			signal.addEventListener('abort', waiter.leave, { once: true });
			this.waiting.push(waiter);
		});
	}

	/** Admits the first waiter with `value`; nothing when nobody waits. */
	admitFirst(value: Value): void {
		const waiter = this.waiting.shift();
		if (!waiter) return;
		waiter.signal.removeEventListener('abort', waiter.leave);
		waiter.admit(value);
	}
}
