// After a failed item's job was asked to cancel, the item may go on watching it a little: fal only passes a cancel
// on to a running job and its app may run on to a normal, billed answer (fal.ai/docs/inference-api/queue/cancel),
// which is then delivered rather than thrown away.
import { anySignal } from '../lib/signals';
import type { JobFate, SeenAs } from '../outcome/jobFate';
import type { RetryPolicy } from '../transport/attempts';
import { ApiError, type Result } from '../transport/client';
import { cancelJob, fetchResult } from '../transport/queue';
import type { FalSession } from '../transport/session';
import { waitUntilCompleted } from './wait';

/** A job watched after its item stopped: the execution's session, and the signals that still end the watch. */
export interface LateWatch {
	session: FalSession;
	requestId: string;
	policy: RetryPolicy;
	/** A Stop of the execution, or a failed sibling: the watch ends with them. */
	stops: Array<AbortSignal | undefined>;
}

/** The watch lasts the session's `lateAnswerMs` at most (transport/waits.ts). */
function watching(watch: LateWatch) {
	const { lateAnswerMs } = watch.session.waits;
	const signal = anySignal(AbortSignal.timeout(lateAnswerMs), ...watch.stops)!;
	return { signal, session: watch.session.forItem({ policy: watch.policy, signal, remainingMs: () => lateAnswerMs }) };
}

/** How a running job ends after its cancel was passed on: stopped, ran on to an answer (kept), or still running. */
async function watchEnd(watch: LateWatch): Promise<{ ended: 'stopped' | 'completed' | 'running'; answer?: Result<unknown> }> {
	const { signal, session } = watching(watch);
	const completed = await waitUntilCompleted(session, watch.requestId, signal, () => {}).then(
		() => true,
		() => false,
	);
	if (!completed) return { ended: 'running' };
	return await fetchResult(session, watch.requestId, signal).then(
		(answer) => ({ ended: 'completed' as const, answer }),
		// The app's own answer to the cancel (a cancellation-aware app answers 499), or any error it ended with.
		(error: unknown) => ({ ended: error instanceof ApiError ? ('stopped' as const) : ('running' as const) }),
	);
}

/** The answer of a job that completed as its item's time ran out; undefined if it cannot be had now. */
export async function lateAnswer(watch: LateWatch): Promise<Result<unknown> | undefined> {
	const { signal, session } = watching(watch);
	return await fetchResult(session, watch.requestId, signal).then(
		(result) => result,
		() => undefined,
	);
}

/**
 * Asks fal to cancel the job and says what it answered. A running job (or one whose status was never heard) that
 * fal passed the cancel on to is watched to its end when `watchIfRunning`, for the session's `lateAnswerMs` at most.
 */
export async function cancel(watch: LateWatch, seenAs: SeenAs, watchIfRunning: boolean): Promise<{ fate: JobFate; answer?: Result<unknown> }> {
	const answer = await cancelJob(watch.session, watch.requestId);
	const fate: JobFate = { kind: 'cancel', answer, seenAs };
	if (answer !== 'requested' || seenAs === 'queued' || !watchIfRunning) return { fate };
	const watched = await watchEnd(watch);
	fate.ended = watched.ended;
	return { fate, answer: watched.answer };
}
