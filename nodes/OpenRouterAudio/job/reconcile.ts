import { sleep } from 'n8n-workflow';

import { JobMayExist, lostAnswer } from '../errors/jobFailure';
import { stableJson } from '../lib/stableJson';
import { FalRequestFailed } from '../transport/attempts';
import { HistoryRefused, listRequestsSince, MAX_LISTED, type HistoryEntry } from '../transport/history';
import { AUDIO_REQUEST_DEFAULTS, AUDIO_REQUEST_FIELDS, submitJob, type AudioRequest } from '../transport/queue';
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
// What fal does not document: the form of `json_input` (the body as sent, or the app's validated model with every
// default filled in, keys in any order), or whether it is there at all (no payloads are stored with
// `X-Fal-Store-IO: 0`, and they can be deleted: fal.ai/docs/documentation/model-apis/inference/payloads). So a
// listed request is judged by what holds in every form (identify below): it is this item's job when it started,
// no other item of this execution holds it, its `sent_at` lies between this submit's send and the moment its loss
// was seen (give or take the clocks' skew), every field the item sent is there with the same value, and every
// other field is null or the endpoint's documented default. It is ruled out when another item holds it, it was
// sent outside that window, or a field differs. Anything else (no payloads, an input the node cannot compare)
// may be this item's job: the node cannot tell.
//
// "Nothing listed" alone proves nothing: the job may wait in the queue. The item adopts the one request that is
// its job, and concludes that no job exists only when nothing listed may be its job and
//   (a) its start deadline has passed, so a job it created has either started (and is listed) or was ended
//       unstarted by fal; or
//   (b) a request this execution sent after the lost one has started and been listed: a job created by the lost
//       submit was ahead of it in fal's queue, so it started earlier and is listed too.
// Both rules allow `historyLagMs` for fal to list a started request; fal's docs give no bound, and its status page
// has reported request metrics arriving late. Where a request that may be this item's job is listed when a rule
// would conclude, the item never submits again: it fails, naming the candidates (Get Job fetches each).

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
	/** The one listed request that is this item's job. */
	| { adopted: string }
	/** No job exists, by rule (a) or (b) above. */
	| { none: 'deadline' | 'later-started' }
	/** Cannot tell: the item fails and says a job may exist, naming the requests that may be it. */
	| { unresolved: string; candidates: string[] };

/** What a listed request is to a lost submit. */
export type Identity = 'mine' | 'not-mine' | 'unknown';

const sameValue = (a: unknown, b: unknown): boolean => (typeof a === 'number' && typeof b === 'number' ? a === b : stableJson(a) === stableJson(b));
const isDefault = (field: string, value: unknown): boolean => field in AUDIO_REQUEST_DEFAULTS && sameValue(value, AUDIO_REQUEST_DEFAULTS[field as keyof typeof AUDIO_REQUEST_DEFAULTS]);
const KNOWN_FIELDS = new Set<string>(AUDIO_REQUEST_FIELDS);

/**
 * Whether a listed input is the one the item sent, in whatever form fal keeps it: keys in any order, numbers as
 * numbers, a field the item left out null or at its documented default. 'unknown' when it is not an object, or
 * has a field the endpoint's schema does not name and nothing else differs.
 */
export function compareInput(sent: AudioRequest, listed: unknown): 'same' | 'differs' | 'unknown' {
	if (!listed || typeof listed !== 'object' || Array.isArray(listed)) return 'unknown';
	const stored = listed as Record<string, unknown>;
	const given = Object.entries(sent).filter(([, value]) => value !== undefined);
	for (const [field, value] of given) {
		const kept = stored[field];
		if (kept === undefined || kept === null ? !isDefault(field, value) : !sameValue(kept, value)) return 'differs';
	}
	let unknown = false;
	for (const [field, kept] of Object.entries(stored)) {
		if ((sent as unknown as Record<string, unknown>)[field] !== undefined || kept === null || kept === undefined) continue;
		if (!KNOWN_FIELDS.has(field)) unknown = true;
		else if (!isDefault(field, kept)) return 'differs';
	}
	return unknown ? 'unknown' : 'same';
}

/** What `entry` is to `lost` (see the rule at the top). `owned`: the requests other items of this execution hold. */
export function identify(entry: HistoryEntry, lost: LostSubmit, owned: ReadonlyMap<string, number>, skewMs: number): Identity {
	if (owned.has(entry.request_id)) return 'not-mine';
	const sentAt = typeof entry.sent_at === 'string' ? Date.parse(entry.sent_at) : NaN;
	if (!Number.isNaN(sentAt) && (sentAt < lost.sentAt - skewMs || sentAt > lost.lostAt + skewMs)) return 'not-mine';
	const input = compareInput(lost.input, entry.json_input);
	if (input === 'differs') return 'not-mine';
	// Its time unknown, or not started (fal lists only started requests): it may be the job, but is not adopted.
	return input === 'same' && !Number.isNaN(sentAt) && entry.started_at ? 'mine' : 'unknown';
}

/**
 * Looks for the job `lost` may have created, reading the history again with backoff until a rule decides or
 * `until` (ms epoch) passes.
 */
export async function reconcile(session: FalSession, lost: LostSubmit, signal: AbortSignal, until: number): Promise<Reconciled> {
	const waits = session.waits;
	// Requests this execution sent after the loss, and when a history answer first listed each (rule b): by then
	// it had started, and a job of the lost submit before it.
	const laterListedAt = new Map<string, number>();
	const deadlinePassedAt = lost.startTimeoutMs > 0 ? lost.lostAt + lost.startTimeoutMs + waits.historyLagMs : Infinity;
	let problem = '';
	let blocking: Blocking = { candidates: [], complete: true };
	let delay = waits.historyRetryFirstMs;
	for (;;) {
		const askedAt = Date.now();
		const listed = await listRequestsSince(session, new Date(lost.sentAt - waits.historySkewMs), signal).then(
			(listing) => ({ listing }),
			(error: unknown) => ({ error }),
		);
		signal.throwIfAborted();
		if ('listing' in listed) {
			problem = '';
			const reading = judge(session, listed.listing.entries, lost, { askedAt, answeredAt: Date.now() }, laterListedAt);
			if ('found' in reading) return reading.found;
			blocking = { candidates: reading.unknown, complete: listed.listing.complete };
			const rule = reading.rule ?? (askedAt >= deadlinePassedAt ? 'deadline' : undefined);
			if (rule) return concludeNone(rule, blocking);
		} else {
			problem = listed.error instanceof Error ? listed.error.message : String(listed.error);
			// Otherwise read again: the history may answer on the next try.
			if (listed.error instanceof HistoryRefused && listed.error.final) return unresolved(problem, blocking);
		}
		const nextRule = Math.min(deadlinePassedAt, ...[...laterListedAt.values()].map((at) => at + waits.historyLagMs));
		const wait = Math.max(0, Math.min(delay, nextRule - Date.now()));
		// Past the start deadline only a reading that fails keeps the search going: it ends soon after.
		if (Date.now() + wait > Math.min(until, deadlinePassedAt + waits.historyRetryMaxMs)) return unresolved(problem, blocking);
		await sleep(wait, signal);
		delay = Math.min(delay * 2, waits.historyRetryMaxMs);
	}
}

/** The listed requests that may be the item's job, from the last reading, and whether it read the whole window. */
interface Blocking {
	candidates: string[];
	complete: boolean;
}

const candidatesText = (ids: string[]) =>
	`fal's request history lists ${ids.length === 1 ? 'a started request' : `${ids.length} started requests`} sent while this submit was on its way that may be this item's job and that the node cannot identify (fal stored no input for ${ids.length === 1 ? 'it' : 'them'}, or one the node cannot compare)`;

/** A rule says any job of the lost submit would be listed by now: no job exists, unless a listed one may be it. */
function concludeNone(rule: 'deadline' | 'later-started', blocking: Blocking): Reconciled {
	if (blocking.candidates.length > 0) return { unresolved: candidatesText(blocking.candidates), candidates: blocking.candidates };
	if (!blocking.complete) return { unresolved: `fal's request history lists more requests since this submit than the node reads (${MAX_LISTED})`, candidates: [] };
	return { none: rule };
}

function unresolved(problem: string, blocking: Blocking): Reconciled {
	if (blocking.candidates.length > 0 && !problem) return { unresolved: candidatesText(blocking.candidates), candidates: blocking.candidates };
	const why = problem
		? `fal's request history could not be read (${problem})`
		: "fal's request history lists no started request with this item's input, and the job may still wait in fal's queue";
	return { unresolved: why, candidates: blocking.candidates };
}

type Reading = { found: Reconciled } | { unknown: string[]; rule?: 'later-started' };

/** One reading of the history: adopt, or the requests that may be the job and whether rule (b) holds. */
function judge(
	session: FalSession,
	entries: HistoryEntry[],
	lost: LostSubmit,
	{ askedAt, answeredAt }: { askedAt: number; answeredAt: number },
	laterListedAt: Map<string, number>,
): Reading {
	const skewMs = session.waits.historySkewMs;
	const judged = entries.map((entry) => ({ entry, identity: identify(entry, lost, session.owned, skewMs) }));
	const mine = judged.filter(({ identity }) => identity === 'mine').map(({ entry }) => entry.request_id);
	const unknown = judged.filter(({ identity }) => identity === 'unknown').map(({ entry }) => entry.request_id);
	if (mine.length === 1) {
		// Taken at once, in the same turn of the event loop: another item reconciling the same input finds it held.
		session.owned.set(mine[0], lost.sentAt);
		return { found: { adopted: mine[0] } };
	}
	if (mine.length > 1) {
		return { found: { unresolved: `fal's request history lists ${mine.length} jobs with this item's input, sent while this submit was on its way`, candidates: [...mine, ...unknown] } };
	}
	for (const entry of entries) {
		const sentAt = session.owned.get(entry.request_id);
		if (entry.started_at && sentAt !== undefined && sentAt > lost.lostAt && !laterListedAt.has(entry.request_id)) {
			laterListedAt.set(entry.request_id, answeredAt);
		}
	}
	const lag = session.waits.historyLagMs;
	const laterStarted = [...laterListedAt.values()].some((firstSeen) => askedAt >= firstSeen + lag);
	return laterStarted ? { unknown, rule: 'later-started' } : { unknown };
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
