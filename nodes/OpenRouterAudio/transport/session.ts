import { anySignal } from './abort';
import { attemptingFetch, type AttemptContext } from './attempts';
import { createFalClient, type FalClient } from './fal';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';

export interface FalSession {
	/** Kept only to scrub it from error messages and to call fal's platform API. */
	apiKey: string;
	/** Requests stop when the item (or the execution) stops; each gets the item's attempts. */
	client: FalClient;
	/** Cancels jobs: not bound to the execution's cancel signal, which has already fired after a Stop. */
	janitor: FalClient;
	/** A client whose requests also stop when `signal` aborts, for calls that take no signal (storage). */
	clientFor(signal: AbortSignal): FalClient;
	/** Plain fetch with the item's attempts, for fal's platform API (request history), which the client lacks. */
	fetch: typeof fetch;
	/**
	 * The jobs items of this execution hold, by request ID, with the time this execution sent the submit that
	 * created each (0 when unknown, e.g. a job taken over from an earlier try). Reconciling never adopts one of
	 * them, and reads from them how far fal's queue has moved (job/reconcile.ts).
	 */
	owned: Map<string, number>;
	/** The same session for one item: its retry policy, its stop signal and the time it has left. */
	forItem(context: ItemTransportContext): FalSession;
}

export interface ItemTransportContext {
	policy: RetryPolicy;
	signal: AbortSignal;
	remainingMs?: () => number;
}

// Looked up at call time: tests route fal's hosts by replacing the global fetch (test/emulator/route.js).
const baseFetch: typeof fetch = async (input, init) => await fetch(input, init);

const CANCEL_POLICY: RetryPolicy = { ...DEFAULT_RETRY, maxRetries: 2 };
const CANCEL_BUDGET_MS = 15_000;

/** One session per execution, from the credential; never the global `fal`, never environment variables. */
export function createFalSession(apiKey: string, cancelSignal?: AbortSignal, policy?: RetryPolicy): FalSession {
	const owned = new Map<string, number>();
	const janitor = createFalClient({
		credentials: apiKey,
		fetch: attemptingFetch(baseFetch, { policy: CANCEL_POLICY, signal: new AbortController().signal, remainingMs: () => CANCEL_BUDGET_MS }),
	});
	const build = (context: ItemTransportContext): FalSession => {
		const signal = anySignal(cancelSignal, context.signal)!;
		const attempts = (extra?: AbortSignal): AttemptContext => ({
			policy: context.policy,
			signal: anySignal(signal, extra)!,
			remainingMs: context.remainingMs ?? (() => Infinity),
		});
		return {
			apiKey,
			client: createFalClient({ credentials: apiKey, fetch: attemptingFetch(baseFetch, attempts()) }),
			janitor,
			clientFor: (extra) => createFalClient({ credentials: apiKey, fetch: attemptingFetch(baseFetch, attempts(extra)) }),
			fetch: attemptingFetch(baseFetch, attempts()),
			owned,
			forItem: build,
		};
	};
	return build({ policy: policy ?? { ...DEFAULT_RETRY, maxRetries: 3 }, signal: cancelSignal ?? new AbortController().signal });
}
