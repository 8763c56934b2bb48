// @ts-check
'use strict';
/**
 * Fault injection: rules matched against each request (see README.md, "Faults").
 *
 * When a rule fires:
 * - `beforeBody: true`: matched and answered BEFORE the request body is read (a gateway turning
 *   the request away: nothing reached the app, the body may still be in flight).
 * - `delayMs`: waits first (alone, it only slows the route).
 * - `drop`: destroys the socket without a response; the route does NOT run.
 * - `status`, `body`, `text` or `retryAfter`: answers with that instead of the route.
 * - `after`: the route DOES run (job created, cancel applied, result computed), then its answer
 *   is lost: 'drop' (socket destroyed before a byte is written), 'truncate' (headers and half the
 *   body written, then destroyed) or 'replace' (the error of `status`/`body`/`text` is sent).
 * - `cut` (stream route only): the SSE status stream ends early while the job keeps running.
 */

/**
 * @typedef {import('./http').RecordedRequest} RecordedRequest
 * @typedef {((req: RecordedRequest) => unknown) | object | string | number | boolean | null} BodySpec
 * @typedef {string | ((req: RecordedRequest) => string)} TextSpec
 * @typedef {{
 *   afterEvents?: number,
 *   afterMs?: number,
 *   how?: 'end' | 'destroy' | 'stall',
 *   stallMs?: number,
 * }} StreamCut
 *   After `afterEvents` SSE events (default: none) or `afterMs` ms, whichever comes first:
 *   'end' closes the stream cleanly, 'destroy' kills the socket, 'stall' (default) keeps the
 *   connection open and sends nothing more, for `stallMs` (then ends cleanly) or until the client
 *   aborts. The job itself keeps running: fal keeps billing.
 * @typedef {{
 *   route: string | string[],
 *   status?: number,
 *   body?: BodySpec,
 *   text?: TextSpec,
 *   contentType?: string,
 *   retryAfter?: number | string | Date,
 *   drop?: boolean,
 *   after?: 'drop' | 'truncate' | 'replace',
 *   beforeBody?: boolean,
 *   cut?: StreamCut,
 *   delayMs?: number,
 *   times?: number,
 *   probability?: number,
 *   match?: (req: RecordedRequest) => boolean,
 * }} FaultRule
 * @typedef {FaultRule & { remaining: number, hits: number }} ActiveFault
 */

/**
 * mulberry32: a tiny seeded PRNG, so `probability` faults are reproducible run to run.
 * @param {number} seed
 * @returns {() => number} in [0, 1)
 */
function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** @param {number} seed */
function createFaults(seed) {
	/** @type {ActiveFault[]} */
	let rules = [];
	let random = seededRandom(seed);

	return {
		/**
		 * @param {FaultRule} rule
		 * @returns {ActiveFault} the live rule: `hits` counts how often it fired
		 */
		add(rule) {
			if (!rule || !rule.route) throw new Error('fault(): `route` is required');
			if (rule.after === 'replace' && !answersItself({ ...rule, after: undefined })) {
				throw new Error("fault(): after: 'replace' needs status, body, text or retryAfter");
			}
			if (rule.beforeBody && (rule.after !== undefined || rule.cut !== undefined)) {
				throw new Error('fault(): a beforeBody rule answers before the route runs: no `after` or `cut`');
			}
			const active = { ...rule, remaining: rule.times ?? 1, hits: 0 };
			rules.push(active);
			return active;
		},

		/**
		 * The first rule that fires for this request, consuming one of its `times`.
		 * @param {RecordedRequest} req
		 * @param {boolean} [beforeBody] the early check (body not read yet): only `beforeBody` rules
		 * @returns {ActiveFault | undefined}
		 */
		take(req, beforeBody = false) {
			for (const rule of rules) {
				if (rule.remaining <= 0 || !!rule.beforeBody !== beforeBody) continue;
				const routes = Array.isArray(rule.route) ? rule.route : [rule.route];
				if (!routes.includes(req.route) && !routes.includes('*')) continue;
				if (rule.match && !rule.match(req)) continue;
				// Draw only for candidate rules, so unrelated traffic does not shift the sequence.
				if (rule.probability !== undefined && random() >= rule.probability) continue;
				rule.remaining -= 1;
				rule.hits += 1;
				return rule;
			}
			return undefined;
		},

		reset() {
			rules = [];
			random = seededRandom(seed);
		},
	};
}

/**
 * Does the rule answer by itself instead of the route (vs. delaying it, or acting after it)?
 * @param {FaultRule} rule
 */
const answersItself = (rule) =>
	rule.after === undefined &&
	(rule.status !== undefined || rule.body !== undefined || rule.text !== undefined || rule.retryAfter !== undefined);

module.exports = { createFaults, seededRandom, answersItself };
