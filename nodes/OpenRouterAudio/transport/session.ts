import { anySignal } from './abort';
import { createFalClient, type FalClient } from './fal';
import { noteRetryAfter } from './retry';

export interface FalSession {
	/** Kept only to scrub it from error messages. */
	apiKey: string;
	/** Every request it makes is aborted when the n8n execution is cancelled. */
	client: FalClient;
	/** Used only to cancel fal jobs after the execution was cancelled, so it must not share that signal. */
	janitor: FalClient;
	/** A client whose requests also stop when `signal` aborts, for calls that take no signal (storage). */
	clientFor(signal: AbortSignal): FalClient;
}

/** One client per execution, from the credential; never the global `fal`, never environment variables. */
export function createFalSession(apiKey: string, cancelSignal?: AbortSignal): FalSession {
	const fetchStoppedBy =
		(bound?: AbortSignal): typeof fetch =>
		async (input, init) => {
			const itemSignal = init?.signal ?? bound;
			const response = await fetch(input, { ...init, signal: anySignal(cancelSignal, init?.signal ?? undefined, bound) });
			// The client's ApiError drops response headers; keep Retry-After where the retry layer finds it.
			if (!response.ok && itemSignal) noteRetryAfter(itemSignal, response.headers.get('retry-after'));
			return response;
		};
	return {
		apiKey,
		client: createFalClient({ credentials: apiKey, fetch: fetchStoppedBy() }),
		janitor: createFalClient({ credentials: apiKey }),
		clientFor: (signal) => createFalClient({ credentials: apiKey, fetch: fetchStoppedBy(signal) }),
	};
}
