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
 * The docs' item schema requires request_id, endpoint_id, sent_at and started_at, and lets ended_at,
 * status_code and duration be null. So a request is listed once it has started: one waiting IN_QUEUE
 * never is, even when it ends unstarted (cancelled while queued, or by its start timeout); a running
 * one is, with its end fields (and json_output) null. Like fal's metrics, which have been reported
 * arriving late (fal's status page), a request appears `lagMs` after it started and its end fields
 * `lagMs` after it ended. json_output is the stored result body, also once the result route has
 * forgotten it (retention, queue.js).
 *
 * Where the docs are silent, the emulator chooses:
 * - start/end filter on sent_at (the submit time); sorted by end time, newest first, requests whose
 *   end is not shown yet first;
 * - sort_by=duration sorts longest first (the docs name the sort, not the parameter);
 * - status: success = 2xx, user_error = 4xx (incl. a run stopped by a cancel: 499), error = everything else;
 * - a bad parameter is a FastAPI-style 422 { detail: [{ loc, msg, type }] };
 * - a request whose payloads fal did not store (X-Fal-Store-IO: 0) or deleted (fal.ai/docs/documentation/model-apis/inference/payloads)
 *   is listed without json_input and json_output, also with expand=payloads.
 *
 * The form of json_input is not documented (the by-endpoint schema names the field, not its form; the payloads
 * page, fal.ai/docs/documentation/model-apis/inference/payloads, says fal stores "the inputs" or, with
 * `X-Fal-Store-IO: 0` or once deleted, none). So it is an option, `inputForm` (InputForm below): the body as
 * sent (default), normalised as the app's validated model dumps it, its keys reordered, or absent.
 */
const { ENDPOINT_ID } = require('./pricing');

/** @typedef {import('./queue').Job} Job */

/**
 * @typedef {'as-sent' | 'normalised' | 'reordered' | 'absent'} InputForm
 *   how the history shows a request's json_input: 'as-sent' the body the client sent; 'normalised' as the
 *   app's validated model dumps it (every field of the endpoint's schema in its order, defaults filled in,
 *   unknown fields dropped); 'reordered' the body's keys in reverse order; 'absent' no payloads stored
 *   (json_input and json_output null)
 */

/**
 * The endpoint's input model, in its schema's order, with the default of each optional field: fal's page for
 * openrouter/router/audio documents `reasoning` false and `temperature` 1; the others have none (null).
 * @type {[string, unknown][]}
 */
const INPUT_MODEL = [
	['audio_url', null],
	['prompt', null],
	['system_prompt', null],
	['model', null],
	['reasoning', false],
	['temperature', 1],
	['max_tokens', null],
];

/**
 * @param {InputForm} form
 * @param {unknown} input the body as sent
 */
function inputAs(form, input) {
	if (form === 'absent' || input === undefined) return null;
	if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
	const body = /** @type {Record<string, unknown>} */ (input);
	if (form === 'reordered') return Object.fromEntries(Object.entries(body).reverse());
	if (form === 'normalised') return Object.fromEntries(INPUT_MODEL.map(([field, fallback]) => [field, body[field] ?? fallback]));
	return body;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * @typedef {{ job: Job, startedAt: number, endedAt: number | null, result: import('./queue').JobResult | null }} Shown
 *   a job as the history shows it: its end (endedAt, result) only once that has arrived
 */

/**
 * @param {Job} job
 * @param {number} now
 * @param {number} lagMs
 * @returns {Shown | undefined} undefined while the history does not list it
 */
function shown(job, now, lagMs) {
	if (job.startedAt === null || now < job.startedAt + lagMs) return undefined;
	const ended = job.completedAt !== null && now >= job.completedAt + lagMs;
	return { job, startedAt: job.startedAt, endedAt: ended ? job.completedAt : null, result: ended ? job.result : null };
}

/** @param {Shown} s */
function statusClass(s) {
	const code = s.result?.status ?? 0;
	if (code >= 200 && code < 300) return 'success';
	if (code >= 400 && code < 500) return 'user_error';
	return 'error';
}

/**
 * @param {Shown} s
 * @param {boolean} payloads
 * @param {InputForm} form
 */
function itemOf({ job, startedAt, endedAt, result }, payloads, form) {
	/** @type {Record<string, unknown>} */
	const item = {
		request_id: job.requestId,
		endpoint_id: ENDPOINT_ID,
		started_at: new Date(startedAt).toISOString(),
		sent_at: new Date(job.createdAt).toISOString(),
		ended_at: endedAt === null ? null : new Date(endedAt).toISOString(),
		status_code: result?.status ?? null,
		duration: endedAt === null ? null : (endedAt - startedAt) / 1000,
	};
	// A request submitted with X-Fal-Store-IO: 0, or whose payloads were deleted, is listed without payloads
	// (fal.ai/docs/documentation/model-apis/inference/payloads).
	if (payloads && job.storeIo && job.payloadsDeletedAt === null) {
		item.json_input = inputAs(form, job.input);
		item.json_output = form === 'absent' ? null : result?.body ?? null;
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
 * @param {{ lagMs?: number, now?: number, inputForm?: InputForm }} [o]
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

	const matching = /** @type {Shown[]} */ (
		endpointIds.includes(ENDPOINT_ID) ? [...jobs].map((job) => shown(job, now, o.lagMs ?? 0)) : []
	).filter(
		(s) =>
			s !== undefined &&
			s.job.createdAt >= start &&
			s.job.createdAt < end &&
			(requestId === null || s.job.requestId === requestId) &&
			(status === null || (s.result !== null && statusClass(s) === status)),
	);
	const endOf = (/** @type {Shown} */ s) => s.endedAt ?? Infinity;
	const durationOf = (/** @type {Shown} */ s) => (s.endedAt ?? now) - s.startedAt;
	matching.sort(q.get('sort_by') === 'duration' ? (a, b) => durationOf(b) - durationOf(a) : (a, b) => Math.sign(endOf(b) - endOf(a)) || 0);
	const items = matching.slice((page - 1) * limit, page * limit).map((s) => itemOf(s, payloads, o.inputForm ?? 'as-sent'));
	const hasMore = matching.length > page * limit;
	return {
		status: 200,
		body: { items, next_cursor: hasMore ? Buffer.from(String(page + 1)).toString('base64') : null, has_more: hasMore },
	};
}

module.exports = { listRequests };
