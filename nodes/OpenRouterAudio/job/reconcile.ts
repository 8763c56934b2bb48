import { sleep } from 'n8n-workflow';

import { JobMayExist, lostAnswer } from '../errors/jobFailure';
import { stableJson } from '../lib/stableJson';
import { FalRequestFailed } from '../transport/attempts';
import { HistoryRefused, listRequestsSince, type HistoryEntry } from '../transport/history';
import { submitJob, type AudioRequest } from '../transport/queue';
import type { FalSession } from '../transport/session';

// After a submit whose answer was lost (a dropped connection, a 5xx after fal may have acted, an unreadable 2xx),
// fal may or may not have created the job. Submitting again could pay twice, so fal's request history decides.
//
// What fal documents (fal.ai/docs/platform-apis/v1/models/requests/by-endpoint and the queue docs):
// - the history lists a request only once it has started (`started_at` is required); one still waiting in the
//   queue is not listed, a running one is, with its input (`expand=payloads`);
// - each endpoint has one queue, ordered by priority; within a priority it is first in, first out (implied there,
//   not stated; all of this node's submits have the same, default priority);
// - a job no runner started by its start timeout (Max Queue Wait, sent with every submit) is ended unstarted and
//   never runs.
// So "nothing listed" alone proves nothing: the job may wait in the queue. The item adopts a listed, started
// request with its exact input that no other item holds, and concludes that no job exists only when
//   (a) its start deadline has passed, so a job it created has either started (and is listed) or was ended
//       unstarted by fal; or
//   (b) a request this execution sent after the lost one has started and been listed: a job created by the lost
//       submit was ahead of it in fal's queue, so it started earlier and is listed too.
// Both rules allow HISTORY_LAG_MS for fal to list a started request; fal's docs give no bound, and its status
// page has reported request metrics arriving late.

/** How far before the submit the history is searched: the clocks of n8n and fal may differ a little. */
const HISTORY_SKEW_MS = 30_000;
/** How long fal may take to list a request that has started. */
export const HISTORY_LAG_MS = 30_000;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;

/** A submit whose answer was lost. */
export interface LostSubmit {
	input: AudioRequest;
	/** When it was sent, and when its failure was seen (the job, if any, was queued in between). */
	sentAt: number;
	lostAt: number;
	/** The start timeout it carried, in ms; 0 = none. */
	startTimeoutMs: number;
}

export type Reconciled =
	/** A started request with this input that no other item holds: this item's job. */
	| { adopted: string }
	/** No job exists, by rule (a) or (b) above. */
	| { none: 'deadline' | 'later-started' }
	/** Cannot tell before `until`: the item fails and says a job may exist. */
	| { unresolved: string; candidates: string[] };

/**
 * Looks for the job `lost` may have created, reading the history again with backoff until a rule decides or
 * `until` (ms epoch) passes.
 */
export async function reconcile(session: FalSession, lost: LostSubmit, signal: AbortSignal, until: number): Promise<Reconciled> {
	const wanted = stableJson(lost.input);
	// Requests this execution sent after the loss, and when a history answer first listed each (rule b): by then
	// it had started, and a job of the lost submit before it.
	const laterListedAt = new Map<string, number>();
	const deadlinePassedAt = lost.startTimeoutMs > 0 ? lost.lostAt + lost.startTimeoutMs + HISTORY_LAG_MS : Infinity;
	let problem = '';
	let delay = FIRST_DELAY_MS;
	for (;;) {
		const askedAt = Date.now();
		const listed = await listRequestsSince(session, new Date(lost.sentAt - HISTORY_SKEW_MS), signal).then(
			(entries) => ({ entries }),
			(error: unknown) => ({ error }),
		);
		signal.throwIfAborted();
		if ('entries' in listed) {
			problem = '';
			const found = judge(session, listed.entries, wanted, lost, { askedAt, answeredAt: Date.now() }, laterListedAt);
			if (found) return found;
			if (askedAt >= deadlinePassedAt) return { none: 'deadline' };
		} else {
			problem = listed.error instanceof Error ? listed.error.message : String(listed.error);
			// Otherwise read again: the history may answer on the next try.
			if (listed.error instanceof HistoryRefused && listed.error.final) return unresolved(problem);
		}
		const nextRule = Math.min(deadlinePassedAt, ...[...laterListedAt.values()].map((at) => at + HISTORY_LAG_MS));
		const wait = Math.max(0, Math.min(delay, nextRule - Date.now()));
		// Past the start deadline only a reading that fails keeps the search going: it ends soon after.
		if (Date.now() + wait > Math.min(until, deadlinePassedAt + MAX_DELAY_MS)) return unresolved(problem);
		await sleep(wait, signal);
		delay = Math.min(delay * 2, MAX_DELAY_MS);
	}
}

function unresolved(problem: string): Reconciled {
	const why = problem
		? `fal's request history could not be read (${problem})`
		: "fal's request history lists no started request with this item's input, and the job may still wait in fal's queue";
	return { unresolved: why, candidates: [] };
}

/** One reading of the history: adopt, conclude that no job exists (rule b), or undefined to read again. */
function judge(
	session: FalSession,
	entries: HistoryEntry[],
	wanted: string,
	lost: LostSubmit,
	{ askedAt, answeredAt }: { askedAt: number; answeredAt: number },
	laterListedAt: Map<string, number>,
): Reconciled | undefined {
	const matches = entries.filter((entry) => entry.started_at && !session.owned.has(entry.request_id) && stableJson(entry.json_input) === wanted);
	if (matches.length === 1) {
		// Taken at once, in the same turn of the event loop: another item reconciling the same input finds it held.
		session.owned.set(matches[0].request_id, lost.sentAt);
		return { adopted: matches[0].request_id };
	}
	if (matches.length > 1) {
		return { unresolved: `fal's request history lists ${matches.length} jobs with this item's input`, candidates: matches.map((entry) => entry.request_id) };
	}
	for (const entry of entries) {
		const sentAt = session.owned.get(entry.request_id);
		if (entry.started_at && sentAt !== undefined && sentAt > lost.lostAt && !laterListedAt.has(entry.request_id)) {
			laterListedAt.set(entry.request_id, answeredAt);
		}
	}
	for (const firstSeen of laterListedAt.values()) if (askedAt >= firstSeen + HISTORY_LAG_MS) return { none: 'later-started' };
	return undefined;
}

/** One item's submit, and what the item does while a lost one is searched for. */
export interface SubmitPlan {
	session: FalSession;
	input: AudioRequest;
	webhookUrl?: string;
	/** "Max Queue Wait", sent as fal's start timeout; 0 = none. */
	queueWaitMs: number;
	maxRetries: number;
	/** The submit's own signal: a Stop must not cut a submit whose answer names the job to cancel. */
	wire: AbortSignal;
	/** The item's: a search it stops leaves the item saying a job may exist. */
	signal: AbortSignal;
	/** Searches fal's history for a lost submit's job (the item gives up its slot and pauses its clock meanwhile). */
	search(lost: LostSubmit): Promise<Reconciled>;
	/** Before a submit is sent again: the item takes a dispatch slot again. */
	beforeResubmit(): Promise<void>;
}

/**
 * Submits; a submit fal may have acted on is reconciled through fal's history, and sent again (within "Max
 * Retries") only once the history shows that no job exists. Resolves with the request ID of the item's one job.
 */
export async function submitNeverTwice(plan: SubmitPlan): Promise<string> {
	const startTimeoutSeconds = plan.queueWaitMs > 0 ? plan.queueWaitMs / 1000 : undefined;
	for (let attempt = 0; ; attempt++) {
		const sentAt = Date.now();
		const submitted = await submitJob(plan.session, plan.input, plan.wire, { webhookUrl: plan.webhookUrl, startTimeoutSeconds }).then(
			(requestId) => ({ requestId }),
			(error: unknown) => ({ error }),
		);
		if ('requestId' in submitted) {
			plan.session.owned.set(submitted.requestId, sentAt);
			return submitted.requestId;
		}
		const { error } = submitted;
		// Only a submit fal may have acted on is reconciled; any other failure is the item's error.
		if (!(error instanceof FalRequestFailed && error.info.uncertain)) throw error;
		const lost: LostSubmit = { input: plan.input, sentAt, lostAt: Date.now(), startTimeoutMs: plan.queueWaitMs };
		const found = await plan.search(lost).catch((stopped: unknown) => {
			throw plan.signal.aborted ? new JobMayExist(sentAt, 'the item was stopped while it looked for the job', lostAnswer(error), []) : stopped;
		});
		if ('adopted' in found) return found.adopted;
		if ('unresolved' in found) throw new JobMayExist(sentAt, found.unresolved, lostAnswer(error), found.candidates);
		// fal created no job: the submit counts as one of the request's attempts.
		if (attempt >= plan.maxRetries) throw error;
		await plan.beforeResubmit();
	}
}
