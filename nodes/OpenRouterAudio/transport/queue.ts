import type { QueueStatus, Result } from './fal';
import { StreamEndedEarly, withRetries, type RetryPolicy } from './retry';
import type { FalSession } from './session';

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
 * added to each job. A stream that closes early is reopened by the retry layer. `onStatus` hears every
 * status the stream reports (the batch dispatcher learns the account's limit from them).
 */
export async function waitForCompletion(
	session: FalSession,
	requestId: string,
	policy: RetryPolicy,
	signal: AbortSignal,
	onStatus?: (status: QueueStatus) => void,
) {
	await withRetries(
		async () => {
			const stream = await session.client.queue.streamStatus(ENDPOINT_ID, { requestId, logs: false });
			if (onStatus) stream.on('data', onStatus);
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
