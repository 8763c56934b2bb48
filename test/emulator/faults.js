// @ts-check
'use strict';
/**
 * Fault injection: rules checked before the normal handling of a route.
 *
 * A rule with `status`, `body`, `text` or `retryAfter` answers with that error; `drop` destroys the
 * socket without a response; a rule with only `delayMs` slows the request and then lets the route
 * run normally.
 */

/**
 * @typedef {import('./http').RecordedRequest} RecordedRequest
 * @typedef {{
 *   route: string | string[],
 *   status?: number,
 *   body?: unknown,
 *   text?: string,
 *   retryAfter?: number,
 *   drop?: boolean,
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
			const active = { ...rule, remaining: rule.times ?? 1, hits: 0 };
			rules.push(active);
			return active;
		},

		/**
		 * The first rule that fires for this request, consuming one of its `times`.
		 * @param {RecordedRequest} req
		 * @returns {ActiveFault | undefined}
		 */
		take(req) {
			for (const rule of rules) {
				if (rule.remaining <= 0) continue;
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
 * Does the rule answer by itself (vs. only delaying the normal handling)?
 * @param {FaultRule} rule
 */
const answersItself = (rule) =>
	rule.status !== undefined || rule.body !== undefined || rule.text !== undefined || rule.retryAfter !== undefined;

module.exports = { createFaults, seededRandom, answersItself };
