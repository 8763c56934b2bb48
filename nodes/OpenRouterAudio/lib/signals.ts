// Abort signals: one item can be stopped by the execution, its own timeout, or a failed sibling item.

/**
 * The reason our own timers are cancelled with (n8n-workflow's `sleep` clears its timer on abort). One shared
 * Error: `abort()` without a reason builds a DOMException with a stack each time, on every item's hot path.
 */
export const TIMER_CANCELLED = new Error('timer cancelled');

const SOURCES = Symbol('sources');

/** The signal that aborts when any of `signals` does; undefined when none is given. */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
	const present = signals.filter((signal): signal is AbortSignal => !!signal);
	if (present.length < 2) return present[0];
	const combined = AbortSignal.any(present);
	// Node 20 holds the sources of AbortSignal.any weakly: an AbortSignal.timeout nobody else holds is collected
	// and never fires. The combined signal holds them for as long as it lives.
	Object.defineProperty(combined, SOURCES, { value: present });
	return combined;
}

/**
 * Starts `work` unless `signal` has already aborted, and stops waiting for it the moment `signal` aborts
 * (work that takes no signal, such as a storage upload, or a submit left to finish on the wire). The
 * abandoned call ends at its next request, which the aborted signal stops before it is sent.
 */
export async function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
	signal.throwIfAborted();
	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([work(), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/**
 * A signal that aborts `ms` after `signal` does, and `dispose` for when it is no longer needed. Node keeps a
 * signal from AbortSignal.any alive while it has an abort listener, so a listener left on the item's signal
 * would hold the item's job in memory for the life of the process.
 */
export function graceAfter(signal: AbortSignal, ms: number): { signal: AbortSignal; dispose: () => void } {
	const controller = new AbortController();
	const arm = () => AbortSignal.timeout(ms).addEventListener('abort', () => controller.abort(signal.reason), { once: true });
	if (signal.aborted) arm();
	else signal.addEventListener('abort', arm, { once: true });
	return { signal: controller.signal, dispose: () => signal.removeEventListener('abort', arm) };
}
