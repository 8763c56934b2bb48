import { ApiError, type QueueStatus, type Result } from './fal';
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

/**
 * Queues a job; with a webhook URL fal also posts the result there when it is ready. `signal` is the
 * submit's own: a Stop must not cut a submit on the wire, whose answer names the job to cancel.
 */
export async function submitJob(session: FalSession, input: AudioRequest, signal: AbortSignal, webhookUrl?: string): Promise<string> {
	const submitted = await session.client.queue.submit(ENDPOINT_ID, { input, webhookUrl, abortSignal: signal });
	return submitted.request_id;
}

/** fal's status stream for one job: pushes every status change, ends after COMPLETED. */
export async function openStatusStream(session: FalSession, requestId: string) {
	return await session.client.queue.streamStatus(ENDPOINT_ID, { requestId, logs: false });
}

export async function fetchStatus(session: FalSession, requestId: string, signal: AbortSignal): Promise<QueueStatus> {
	return await session.client.queue.status(ENDPOINT_ID, { requestId, logs: false, abortSignal: signal });
}

export async function fetchResult(session: FalSession, requestId: string, signal: AbortSignal): Promise<Result<unknown>> {
	return await session.client.queue.result(ENDPOINT_ID, { requestId, abortSignal: signal });
}

/**
 * What fal said to a cancel: `cancelled` (202, the job stops), `completed` (400 ALREADY_COMPLETED: it had
 * finished and is billed; its answer can still be fetched), `unknown` (404), or `failed` (no answer).
 */
export type CancelOutcome = 'cancelled' | 'completed' | 'unknown' | 'failed';

/** Cancels through the session's janitor, which a Stop of the execution does not abort. Never throws. */
export async function cancelJob(session: FalSession, requestId: string): Promise<CancelOutcome> {
	try {
		await session.janitor.queue.cancel(ENDPOINT_ID, { requestId, abortSignal: AbortSignal.timeout(10_000) });
		return 'cancelled';
	} catch (error) {
		if (error instanceof ApiError && error.status === 400) return 'completed';
		if (error instanceof ApiError && error.status === 404) return 'unknown';
		return 'failed';
	}
}
