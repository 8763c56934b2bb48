import { ENDPOINT_ID } from './queue';
import type { FalSession } from './session';

/** One entry of fal's request history for the endpoint (platform API, `expand=payloads`). */
export interface HistoryEntry {
	request_id: string;
	sent_at?: string | null;
	ended_at?: string | null;
	status_code?: number | null;
	json_input?: unknown;
}

const HISTORY_URL = 'https://api.fal.ai/v1/models/requests/by-endpoint';
const MAX_PAGES = 10;

/**
 * The endpoint's requests sent since `since`, with their inputs, newest first (up to 1000).
 * Throws what the session's fetch throws, or an Error with fal's status when it refuses.
 */
export async function listRequestsSince(session: FalSession, since: Date, signal: AbortSignal): Promise<HistoryEntry[]> {
	const entries: HistoryEntry[] = [];
	let cursor: string | null = null;
	for (let page = 0; page < MAX_PAGES; page++) {
		const query = new URLSearchParams({ endpoint_id: ENDPOINT_ID, start: since.toISOString(), expand: 'payloads', limit: '100' });
		if (cursor) query.set('cursor', cursor);
		const response = await session.fetch(`${HISTORY_URL}?${query}`, {
			method: 'GET',
			headers: { Authorization: `Key ${session.apiKey}`, Accept: 'application/json' },
			signal,
		});
		if (!response.ok) throw new Error(`fal's request history answered HTTP ${response.status}`);
		const body = (await response.json()) as { items?: HistoryEntry[]; next_cursor?: string | null; has_more?: boolean };
		if (!Array.isArray(body.items)) throw new Error("fal's request history answered without a list of requests");
		entries.push(...body.items);
		if (!body.has_more || !body.next_cursor) return entries;
		cursor = body.next_cursor;
	}
	return entries;
}
