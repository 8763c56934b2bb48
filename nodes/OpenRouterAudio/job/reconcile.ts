import { sleep } from 'n8n-workflow';

import { HistoryRefused, listRequestsSince, type HistoryEntry } from '../transport/history';
import type { AudioRequest } from '../transport/queue';
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
export const HISTORY_SKEW_MS = 30_000;
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

/** Key-order independent JSON, so fal's echo of the input compares equal to what was sent. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
		return `{${entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/**
 * Looks for the job `lost` may have created, reading the history again with backoff until a rule decides or
 * `until` (ms epoch) passes.
 */
export async function reconcile(session: FalSession, lost: LostSubmit, signal: AbortSignal, until: number): Promise<Reconciled> {
	const wanted = canonical(lost.input);
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
	const matches = entries.filter((entry) => entry.started_at && !session.owned.has(entry.request_id) && canonical(entry.json_input) === wanted);
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
