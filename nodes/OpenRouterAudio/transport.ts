import { anySignal } from './abort';
import { createFalClient, type FalClient, type QueueStatus, type Result } from './fal';
import { noteRetryAfter, StreamEndedEarly, withRetries, type RetryPolicy } from './retry';

export const ENDPOINT_ID = 'openrouter/router/audio';

/** The endpoint's input, as its spec lists it. Unset optional fields are left out, not sent as null. */
export interface AudioRequest {
	audio_url: string;
	prompt: string;
	model: string;
	system_prompt?: string;
	reasoning?: boolean;
	temperature?: number;
	max_tokens?: number;
}

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

/** Uploads a file to fal storage once and returns its URL; the job then refers to it by URL. */
export async function uploadFile(session: FalSession, file: File, policy: RetryPolicy, signal: AbortSignal) {
	// storage.upload takes no signal: a client bound to the item's signal stops a timed-out upload too.
	const storage = session.clientFor(signal).storage;
	return await withRetries(async () => await storage.upload(file), policy, signal);
}

/** Queues a job; with a webhook URL fal also posts the result there when it is ready. */
export async function submitJob(
	session: FalSession,
	input: AudioRequest,
	policy: RetryPolicy,
	signal: AbortSignal,
	webhookUrl?: string,
): Promise<string> {
	const submitted = await withRetries(
		async () => await session.client.queue.submit(ENDPOINT_ID, { input, webhookUrl, abortSignal: signal }),
		policy,
		signal,
	);
	return submitted.request_id;
}

/**
 * Waits for COMPLETED on fal's status stream: the server pushes the change, so no polling interval is
 * added to each job. A stream that closes early is reopened by the retry layer.
 */
export async function waitForCompletion(session: FalSession, requestId: string, policy: RetryPolicy, signal: AbortSignal) {
	await withRetries(
		async () => {
			const stream = await session.client.queue.streamStatus(ENDPOINT_ID, { requestId, logs: false });
			const stop = () => stream.abort();
			signal.addEventListener('abort', stop, { once: true });
			try {
				const last = (await stream.done()) as QueueStatus | undefined;
				signal.throwIfAborted();
				if (last?.status !== 'COMPLETED') throw new StreamEndedEarly(last?.status);
			} finally {
				signal.removeEventListener('abort', stop);
			}
		},
		policy,
		signal,
	);
}

export async function fetchResult(
	session: FalSession,
	requestId: string,
	policy: RetryPolicy,
	signal: AbortSignal,
): Promise<Result<unknown>> {
	return await withRetries(
		async () => await session.client.queue.result(ENDPOINT_ID, { requestId, abortSignal: signal }),
		policy,
		signal,
	);
}

export async function fetchStatus(session: FalSession, requestId: string, policy: RetryPolicy, signal: AbortSignal) {
	return await withRetries(
		async () => await session.client.queue.status(ENDPOINT_ID, { requestId, logs: false, abortSignal: signal }),
		policy,
		signal,
	);
}

/** Best effort: a job that cannot be cancelled has finished anyway, so failures are only reported back. */
export async function cancelJob(session: FalSession, requestId: string): Promise<boolean> {
	try {
		await session.janitor.queue.cancel(ENDPOINT_ID, { requestId, abortSignal: AbortSignal.timeout(5000) });
		return true;
	} catch {
		return false;
	}
}
