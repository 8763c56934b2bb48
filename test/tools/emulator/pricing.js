// @ts-check
'use strict';
/**
 * fal platform API: GET api.fal.ai/v1/models/pricing?endpoint_id=... (the credential test request), and what
 * each job costs.
 *
 * A job is charged by its tokens (fal.ai/models/openrouter/router/audio/api: "Charged based on actual token
 * usage"), and its answer reports the charge in `usage.cost` (the endpoint's output schema). fal charges a
 * job that ran and ended below HTTP 500 (records.js `billed()`, fal.ai/docs/model-apis/model-endpoints/reliability).
 * `jobCost(input, job)` sets the charge per job (e.g. `(input, job) => costs[job.index]`, by submit order), read
 * once when the job ends: the default answer then reports it as `usage.cost`, and a job that ends without such
 * an answer (an app error, a stop after a cancel, a `respondWith` answer that leaves the cost out) is charged
 * it all the same: fal bills what ran, whatever its answer says. Without `jobCost`, a job costs what its answer
 * reports (0 when it reports nothing).
 */
const { sendJson } = require('./http');

const ENDPOINT_ID = 'openrouter/router/audio';
/** USD per token; the default answer's `cost` uses the same price (see validate.js). */
const UNIT_PRICE = 0.000001;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {string[]} endpointIds all `endpoint_id` query values
 */
function sendPricing(res, endpointIds) {
	const ids = endpointIds.length > 0 ? endpointIds : [ENDPOINT_ID];
	const unknown = ids.filter((id) => id !== ENDPOINT_ID);
	if (unknown.length > 0) return sendJson(res, 404, { detail: `Endpoint not found: ${unknown.join(', ')}` });
	return sendJson(res, 200, {
		prices: ids.map((endpoint_id) => ({ endpoint_id, unit_price: UNIT_PRICE, unit: 'tokens', currency: 'USD' })),
		next_cursor: null,
		has_more: false,
	});
}

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {(input: any, job: Job) => number} JobCost
 */

/**
 * The charge of each job, as a fal account would see it on its bill.
 * @param {JobCost | undefined} initial
 */
function createJobPricing(initial) {
	let jobCost = initial;
	return {
		/** @param {JobCost | undefined} fn */
		set(fn) {
			jobCost = fn;
		},
		/**
		 * The answer the job gives: `usage.cost` is the set charge, when one is set, for an answer that reports usage.
		 * @param {Job} job
		 * @param {{ output?: unknown, usage?: any }} answer
		 */
		priced(job, answer) {
			if (!jobCost || !answer.usage || typeof answer.usage !== 'object') return answer;
			job.cost = jobCost(job.input, job);
			return { ...answer, usage: { ...answer.usage, cost: job.cost } };
		},
		/**
		 * What fal charges for the job once it ended: the set charge, else what its answer reported.
		 * @param {Job} job
		 */
		charge(job) {
			if (job.cost !== null) return job.cost;
			if (jobCost) return jobCost(job.input, job);
			const body = /** @type {any} */ (job.result?.body);
			const reported = body?.usage?.cost;
			return typeof reported === 'number' && Number.isFinite(reported) ? reported : 0;
		},
	};
}

module.exports = { sendPricing, createJobPricing, ENDPOINT_ID, UNIT_PRICE };
