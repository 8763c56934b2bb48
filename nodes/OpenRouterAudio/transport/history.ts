import { ENDPOINT_ID } from './client';
import type { FalSession } from './session';

// fal's request history for the endpoint (platform API, fal.ai/docs/platform-apis/v1/models/requests/by-endpoint).
// Its items require `started_at`: a request still waiting in fal's queue is not listed, a running one is (with
// `ended_at: null`), a finished one with its end. Listing may lag behind what fal did.

/** One entry, with `expand=payloads`. */
export interface HistoryEntry {
	request_id: string;
	sent_at?: string | null;
	started_at?: string | null;
	ended_at?: string | null;
	status_code?: number | null;
	/**
	 * The request's input as fal stored it. fal's docs do not say in which form: the body as sent, or as the app's
	 * validated model dumps it (every field, defaults filled in). null or absent when fal stored no payloads
	 * (`X-Fal-Store-IO: 0`, or deleted: fal.ai/docs/documentation/model-apis/inference/payloads).
	 */
	json_input?: unknown;
	json_output?: unknown;
}

/** fal's request history answered with an error status (after the attempts the session's fetch made). */
export class HistoryRefused extends Error {
	override name = 'HistoryRefused';

	constructor(readonly status: number) {
		super(`fal's request history answered HTTP ${status} (api.fal.ai)`);
	}

	/** Asking again will not help: the key may not read the history (401, 403), or the query is refused. */
	get final(): boolean {
		return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
	}
}

const HISTORY_URL = 'https://api.fal.ai/v1/models/requests/by-endpoint';
const MAX_PAGES = 10;
const PAGE_SIZE = 100;
/** The most requests one search reads (listRequestsSince). */
export const MAX_LISTED = MAX_PAGES * PAGE_SIZE;

interface Page {
	items: HistoryEntry[];
	next_cursor?: string | null;
	has_more?: boolean;
}

async function readPage(session: FalSession, query: URLSearchParams, signal: AbortSignal): Promise<Page> {
	const response = await session.fetch(`${HISTORY_URL}?${query}`, {
		method: 'GET',
		headers: { Authorization: `Key ${session.apiKey}`, Accept: 'application/json' },
		signal,
	});
	if (!response.ok) throw new HistoryRefused(response.status);
	const body = (await response.json()) as Partial<Page>;
	if (!Array.isArray(body.items)) throw new Error("fal's request history answered without a list of requests");
	return { ...body, items: body.items };
}

/** What one search of the history found: `complete` is false when more was listed than the node reads. */
export interface Listing {
	entries: HistoryEntry[];
	complete: boolean;
}

/**
 * The endpoint's started requests sent since `since`, with their inputs and outputs (up to MAX_LISTED, running ones
 * and the latest ends first). Throws what the session's fetch throws, or an Error with fal's status.
 */
export async function listRequestsSince(session: FalSession, since: Date, signal: AbortSignal): Promise<Listing> {
	const entries: HistoryEntry[] = [];
	let cursor: string | null = null;
	for (let page = 0; page < MAX_PAGES; page++) {
		const query = new URLSearchParams({ endpoint_id: ENDPOINT_ID, start: since.toISOString(), expand: 'payloads', limit: String(PAGE_SIZE) });
		if (cursor) query.set('cursor', cursor);
		const body = await readPage(session, query, signal);
		entries.push(...body.items);
		if (!body.has_more || !body.next_cursor) return { entries, complete: true };
		cursor = body.next_cursor;
	}
	return { entries, complete: false };
}

/** One request by its ID (fal searches the last 90 days for it), or undefined when fal lists none. */
export async function findRequest(session: FalSession, requestId: string, signal: AbortSignal): Promise<HistoryEntry | undefined> {
	const query = new URLSearchParams({ endpoint_id: ENDPOINT_ID, request_id: requestId, expand: 'payloads', limit: '1' });
	const { items } = await readPage(session, query, signal);
	return items.find((entry) => entry.request_id === requestId);
}
