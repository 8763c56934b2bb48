import { sleep } from 'n8n-workflow';

import { listRequestsSince, type HistoryEntry } from '../transport/history';
import type { AudioRequest } from '../transport/queue';
import type { FalSession } from '../transport/session';

// After a submit whose answer was lost (or a 5xx), fal may or may not have created the job. Submitting
// again could pay twice, so the endpoint's request history decides: fal lists each request with its input.

/** How far before our submit the history is searched: clocks of n8n and fal may differ a little. */
export const HISTORY_SKEW_MS = 30_000;
/** How long the history is searched for the job before the item fails saying a job may exist. */
export const RECONCILE_WINDOW_MS = 60_000;
/** A request may take this long to appear in the history; "none listed" is trusted only after it. */
const HISTORY_LAG_MS = 5_000;

export type Reconciled =
	/** Exactly one job with this input that no other item holds: it is this item's. */
	| { adopted: string }
	/** The history lists unfinished jobs and, well after the submit, none with this input: no job exists. */
	| { none: true }
	/** Cannot tell: the item fails and says a job may exist. */
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

const isPending = (entry: HistoryEntry) => entry.ended_at === null;

/**
 * Looks for the job a lost submit at `sentAt` may have created. Searches again with backoff while the
 * history lists nothing yet (fal may list a job only once it has finished), for RECONCILE_WINDOW_MS at
 * most and never past the item's time.
 */
export async function reconcile(
	session: FalSession,
	input: AudioRequest,
	sentAt: number,
	signal: AbortSignal,
	remainingMs: () => number,
): Promise<Reconciled> {
	const wanted = canonical(input);
	const until = Date.now() + Math.min(RECONCILE_WINDOW_MS, remainingMs());
	let delay = 1000;
	for (;;) {
		const askedAt = Date.now();
		const listed = await listRequestsSince(session, new Date(sentAt - HISTORY_SKEW_MS), signal).then(
			(entries) => ({ entries }),
			(error: unknown) => ({ error }),
		);
		signal.throwIfAborted();
		if ('error' in listed) {
			const reason = listed.error instanceof Error ? listed.error.message : String(listed.error);
			return { unresolved: `fal's request history could not be read (${reason})`, candidates: [] };
		}
		const { entries } = listed;
		const matches = entries.filter((entry) => !session.owned.has(entry.request_id) && canonical(entry.json_input) === wanted);
		if (matches.length === 1) return { adopted: matches[0].request_id };
		if (matches.length > 1) {
			const candidates = matches.map((entry) => entry.request_id);
			return { unresolved: `fal's request history lists ${matches.length} jobs with this item's input`, candidates };
		}
		if (entries.some(isPending) && askedAt - sentAt >= HISTORY_LAG_MS) return { none: true };
		if (Date.now() + delay > until) {
			return {
				unresolved: "fal's request history lists no job with this item's input yet, but it may list a job only once it has finished",
				candidates: [],
			};
		}
		await sleep(delay, signal);
		delay = Math.min(delay * 2, 10_000);
	}
}
