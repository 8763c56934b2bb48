// @ts-check
'use strict';
/**
 * fal platform API: request history of an endpoint.
 *   GET https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=...  (Authorization: Key ...)
 *
 * Shape from fal's docs (fal.ai/docs/platform-apis/v1/models/requests/by-endpoint):
 *   { items: [{ request_id, endpoint_id, started_at, sent_at, ended_at, status_code, duration,
 *               json_input?, json_output? }], next_cursor: string | null, has_more: boolean }
 * Query: endpoint_id (required; repeated or comma-separated), start (default: 24 h ago, 90 days
 * with request_id), end (exclusive, default now), status (success | error | user_error),
 * request_id, expand=payloads (adds json_input/json_output), limit (1..100, default 50),
 * cursor (base64 of the page number, "Mg==" is page 2).
 *
 * Where the docs are silent, the emulator chooses:
 * - jobs still IN_QUEUE/IN_PROGRESS are not listed (the list is sorted by end time, so every item
 *   has one); `includePending` lists them with ended_at, status_code and duration null;
 * - start/end filter on sent_at (the submit time); newest first;
 * - sort_by=duration sorts longest first (the docs name the sort, not the parameter);
 * - status: success = 2xx, user_error = 4xx (incl. cancelled: 400), error = everything else;
 * - a bad parameter is a FastAPI-style 422 { detail: [{ loc, msg, type }] }.
 */
const { ENDPOINT_ID } = require('./pricing');

/** @typedef {import('./queue').Job} Job */

const DAY_MS = 24 * 3600 * 1000;

/** @param {Job} job */
function statusClass(job) {
	const code = job.result?.status ?? 0;
	if (code >= 200 && code < 300) return 'success';
	if (code >= 400 && code < 500) return 'user_error';
	return 'error';
}

/**
 * @param {Job} job
 * @param {boolean} payloads
 */
function itemOf(job, payloads) {
	const iso = (/** @type {number | null} */ t) => (t === null ? null : new Date(t).toISOString());
	/** @type {Record<string, unknown>} */
	const item = {
		request_id: job.requestId,
		endpoint_id: ENDPOINT_ID,
		started_at: iso(job.startedAt),
		sent_at: iso(job.createdAt),
		ended_at: iso(job.completedAt),
		status_code: job.result?.status ?? null,
		duration: job.completedAt !== null && job.startedAt !== null ? (job.completedAt - job.startedAt) / 1000 : null,
	};
	if (payloads) {
		item.json_input = job.input ?? null;
		item.json_output = job.result?.body ?? null;
	}
	return item;
}

/**
 * @param {string} loc
 * @param {string} msg
 */
const invalid = (loc, msg) => ({ status: 422, body: { detail: [{ loc: ['query', loc], msg, type: 'value_error' }] } });

/**
 * @param {URLSearchParams} q
 * @param {Iterable<Job>} jobs
 * @param {{ includePending?: boolean, now?: number }} [o]
 * @returns {{ status: number, body: unknown }}
 */
function listRequests(q, jobs, o = {}) {
	const now = o.now ?? Date.now();
	const multi = (/** @type {string} */ name) => q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
	const endpointIds = multi('endpoint_id');
	if (endpointIds.length === 0) return invalid('endpoint_id', 'Field required');
	const requestId = q.get('request_id');
	const time = (/** @type {string} */ name, /** @type {number} */ fallback) => {
		const v = q.get(name);
		return v === null ? fallback : Date.parse(v);
	};
	const start = time('start', now - (requestId ? 90 : 1) * DAY_MS);
	const end = time('end', Infinity); // "now": also what finished while this request was served
	if (Number.isNaN(start)) return invalid('start', 'Invalid ISO8601 date');
	if (Number.isNaN(end)) return invalid('end', 'Invalid ISO8601 date');
	const status = q.get('status');
	if (status !== null && !['success', 'error', 'user_error'].includes(status)) {
		return invalid('status', "Input should be 'success', 'error' or 'user_error'");
	}
	const limit = q.has('limit') ? Number(q.get('limit')) : 50;
	if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'Input should be between 1 and 100');
	let page = 1;
	const cursor = q.get('cursor');
	if (cursor !== null) {
		page = Number(Buffer.from(cursor, 'base64').toString('utf8'));
		if (!Number.isInteger(page) || page < 1) return invalid('cursor', 'Invalid cursor');
	}
	const payloads = multi('expand').includes('payloads');

	const matching = [...jobs].filter(
		(job) =>
			endpointIds.includes(ENDPOINT_ID) &&
			(o.includePending || job.status === 'COMPLETED') &&
			job.createdAt >= start &&
			job.createdAt < end &&
			(requestId === null || job.requestId === requestId) &&
			(status === null || (job.status === 'COMPLETED' && statusClass(job) === status)),
	);
	const endOf = (/** @type {Job} */ j) => j.completedAt ?? Infinity;
	const durationOf = (/** @type {Job} */ j) => (j.completedAt ?? now) - (j.startedAt ?? now);
	matching.sort(q.get('sort_by') === 'duration' ? (a, b) => durationOf(b) - durationOf(a) : (a, b) => Math.sign(endOf(b) - endOf(a)) || 0);
	const items = matching.slice((page - 1) * limit, page * limit).map((job) => itemOf(job, payloads));
	const hasMore = matching.length > page * limit;
	return {
		status: 200,
		body: { items, next_cursor: hasMore ? Buffer.from(String(page + 1)).toString('base64') : null, has_more: hasMore },
	};
}

module.exports = { listRequests };
