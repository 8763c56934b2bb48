import { ApiError, ENDPOINT_ID, type QueueStatus, type Result } from './client';
import { findRequest, type HistoryEntry } from './history';
import type { FalSession } from './session';

// fal's queue for the endpoint (fal.ai/docs/api-reference/inference-api): submit, status (202 while queued or
// running, 200 once completed), status stream, result, cancel.

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
 * What the endpoint takes for each optional field left out: its documented default (fal's model page and
 * OpenAPI schema for openrouter/router/audio: `reasoning` false, `temperature` 1), null where none is
 * documented. The app may keep an input in this filled-in form (its validated model), for example in the
 * request history (job/reconcile.ts), so a field the node did not send may come back with this value.
 */
export const AUDIO_REQUEST_DEFAULTS: Readonly<Required<{ [K in Exclude<keyof AudioRequest, 'audio_url' | 'prompt' | 'model'>]: AudioRequest[K] | null }>> = Object.freeze({
	system_prompt: null,
	reasoning: false,
	temperature: 1,
	max_tokens: null,
});

/** Every field of the endpoint's input, in its schema's order. */
export const AUDIO_REQUEST_FIELDS: readonly (keyof AudioRequest)[] = ['audio_url', 'prompt', 'system_prompt', 'model', 'reasoning', 'temperature', 'max_tokens'];

export interface SubmitOptions {
	/** fal posts the result here when the job is done. */
	webhookUrl?: string;
	/**
	 * fal's start timeout (`X-Fal-Request-Timeout`, docs "Platform headers"): a job no runner has started this
	 * many seconds after submission is ended by fal unstarted and unbilled. More than 1 (the client's minimum).
	 */
	startTimeoutSeconds?: number;
}

/**
 * `X-Fal-Store-IO: 0`: fal stores no payloads (input, answer) of the request; it is still listed in the history,
 * without them (fal.ai/docs/documentation/model-apis/inference/payloads).
 */
const NO_STORED_PAYLOADS = { 'X-Fal-Store-IO': '0' };

/**
 * Queues a job. `signal` is the submit's own: a Stop must not cut a submit whose answer names the job to cancel.
 * Every submit of a session that keeps no request data says so (FalSession.keepsRequestData).
 */
export async function submitJob(session: FalSession, input: AudioRequest, signal: AbortSignal, options: SubmitOptions = {}): Promise<string> {
	const submitted = await session.client.queue.submit(ENDPOINT_ID, {
		input,
		webhookUrl: options.webhookUrl,
		startTimeout: options.startTimeoutSeconds,
		headers: session.keepsRequestData ? undefined : NO_STORED_PAYLOADS,
		abortSignal: signal,
	});
	return submitted.request_id;
}

/** fal's status stream for one job: pushes every status change, ends after COMPLETED. */
export async function openStatusStream(session: FalSession, requestId: string) {
	return await session.client.queue.streamStatus(ENDPOINT_ID, { requestId, logs: false });
}

export async function fetchStatus(session: FalSession, requestId: string, signal: AbortSignal): Promise<QueueStatus> {
	return await session.client.queue.status(ENDPOINT_ID, { requestId, logs: false, abortSignal: signal });
}

/** fal ended the job before any runner started it: its start timeout passed (504, `X-Fal-Request-Timeout-Type: user`). */
export const endedUnstarted = (error: unknown): error is ApiError<unknown> => error instanceof ApiError && error.isUserTimeout;

/**
 * fal has no result for a request: its result store answered 404 and its request history has no answer either.
 * `listed` is the history's entry when it knows the request (its result expired), undefined when it does not.
 */
export class ResultUnavailable extends Error {
	override name = 'ResultUnavailable';

	constructor(
		readonly requestId: string,
		readonly listed: HistoryEntry | undefined,
		/** Why the history could not be asked, when it could not. */
		readonly historyProblem?: string,
	) {
		super(`fal has no result for request ${requestId}`);
	}
}

const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

/** The history's entry for the request (undefined: not listed), or why the history could not be asked. */
async function lookUp(session: FalSession, requestId: string, signal: AbortSignal): Promise<{ entry?: HistoryEntry; problem?: string }> {
	const found = await findRequest(session, requestId, signal).then(
		(entry) => ({ entry }),
		(error: unknown) => ({ problem: error instanceof Error ? error.message : String(error) }),
	);
	signal.throwIfAborted();
	return found;
}

/**
 * The job's result. fal keeps it 1 hour after completion, 6 minutes from 10 KB (fal.ai/docs/inference-api/queue/result);
 * its request history keeps the payloads longer, so an expired result is read from there (`json_output`).
 */
export async function fetchResult(session: FalSession, requestId: string, signal: AbortSignal): Promise<Result<unknown>> {
	const stored = await session.client.queue.result(ENDPOINT_ID, { requestId, abortSignal: signal }).then(
		(result) => ({ result }),
		(error: unknown) => ({ error }),
	);
	if ('result' in stored) return stored.result;
	if (!isNotFound(stored.error)) throw stored.error;
	const { entry, problem } = await lookUp(session, requestId, signal);
	const output = entry?.ended_at ? entry.json_output : undefined;
	if (output === undefined || output === null) throw new ResultUnavailable(requestId, entry, problem);
	const status = entry!.status_code ?? 200;
	if (status >= 200 && status < 300) return { data: output, requestId };
	// The app's error with its status and body, as the result route answered it. A plain ApiError: what kind of
	// error it is (a validation error, say) is read from its body by whoever describes it (errors/falError.ts).
	throw new ApiError({ message: `HTTP ${status}`, status, body: output, requestId });
}

/** A job's status as Get Job reports it. */
export interface JobStatus {
	status: QueueStatus['status'];
	/** While IN_QUEUE: jobs ahead of it. */
	queuePosition?: number;
}

/**
 * The status of a job that may be old (Get Job): where the queue no longer knows it (404), the request history
 * says whether it ran and ended.
 */
export async function fetchJobStatus(session: FalSession, requestId: string, signal: AbortSignal): Promise<JobStatus> {
	const asked = await fetchStatus(session, requestId, signal).then(
		(status) => ({ status }),
		(error: unknown) => ({ error }),
	);
	if ('status' in asked) {
		const { status } = asked;
		return status.status === 'IN_QUEUE' ? { status: status.status, queuePosition: status.queue_position } : { status: status.status };
	}
	if (!isNotFound(asked.error)) throw asked.error;
	const { entry, problem } = await lookUp(session, requestId, signal);
	if (!entry) throw new ResultUnavailable(requestId, undefined, problem);
	return { status: entry.ended_at ? 'COMPLETED' : 'IN_PROGRESS' };
}

/**
 * What fal answered a cancel (fal.ai/docs/inference-api/queue/cancel): `requested` (202 CANCELLATION_REQUESTED:
 * a queued job is removed and never runs; a running one only gets a signal, and an app that ignores it runs on to
 * a normal, billed result), `completed` (400 ALREADY_COMPLETED: billed, its answer can be fetched), `unknown`
 * (404), or `failed` (no answer).
 */
export type CancelAnswer = 'requested' | 'completed' | 'unknown' | 'failed';

/** Cancels through the session's janitor, which a Stop of the execution does not abort. Never throws. */
export async function cancelJob(session: FalSession, requestId: string): Promise<CancelAnswer> {
	try {
		await session.janitor.queue.cancel(ENDPOINT_ID, { requestId, abortSignal: AbortSignal.timeout(10_000) });
		return 'requested';
	} catch (error) {
		if (error instanceof ApiError && error.status === 400) return 'completed';
		if (error instanceof ApiError && error.status === 404) return 'unknown';
		return 'failed';
	}
}
