// @ts-check
'use strict';
/**
 * fal's queue routes for one job (queue.fal.run/<app>/requests/<id>...):
 *   GET  .../status           status JSON (queue_position while IN_QUEUE, logs with ?logs=1): 202
 *                             while IN_QUEUE or IN_PROGRESS, 200 once COMPLETED
 *                             (fal.ai/docs/api-reference/inference-api, "Queue request lifecycle")
 *   GET  .../status/stream    SSE of status JSON until COMPLETED (held.js)
 *   GET  .../<id>             the result: its stored status, body and headers; 400 while still running;
 *                             404 { detail: 'Request not found' } once past resultExpiresAt (queue.js;
 *                             the docs do not say what an expired result answers), while the status
 *                             stays COMPLETED
 *   PUT  .../cancel           202 { status: 'CANCELLATION_REQUESTED' } while IN_QUEUE/IN_PROGRESS,
 *                             400 { status: 'ALREADY_COMPLETED' } once finished,
 *                             404 { status: 'NOT_FOUND' } for an unknown id
 *                             (fal.ai/docs/inference-api/queue/cancel; a queued job is removed and
 *                             never runs, a running one gets the signal: queue.js)
 * Unknown ids answer 404 on every route.
 */
const { sendJson } = require('./http');
const { countDelivery } = require('./records');

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {import('./queue').CancelRequest} CancelRequest
 * @typedef {ReturnType<typeof import('./queue').createQueue>} Queue
 * @typedef {ReturnType<typeof import('./held').createHeldResponses>} Held
 * @typedef {import('./faults').StreamCut} StreamCut
 */

/**
 * @param {Queue} queue
 * @param {Held} held
 * @param {CancelRequest[]} cancelRequests
 */
function createQueueRoutes(queue, held, cancelRequests) {
	/**
	 * @param {import('node:http').ServerResponse} res
	 * @param {'status' | 'stream' | 'result' | 'cancel'} route
	 * @param {string} requestId
	 * @param {{ withLogs: boolean, cut?: StreamCut }} o
	 */
	function serve(res, route, requestId, o) {
		const job = queue.jobs.get(requestId);
		if (route === 'cancel') return cancel(res, requestId, job);
		if (!job) return sendJson(res, 404, { detail: 'Request not found' });
		const idHeader = { 'x-fal-request-id': job.requestId };
		if (route === 'status') return sendJson(res, job.status === 'COMPLETED' ? 200 : 202, queue.statusOf(job, o.withLogs), idHeader);
		if (route === 'stream') return held.streamStatus(res, job, o.withLogs, o.cut);
		if (!job.result) return sendJson(res, 400, { detail: 'Request is still in progress' }, idHeader);
		if (Date.now() >= /** @type {number} */ (job.resultExpiresAt)) return sendJson(res, 404, { detail: 'Request not found' });
		countDelivery(res, job);
		return sendJson(res, job.result.status, job.result.body, { ...job.result.headers, ...idHeader });
	}

	/**
	 * @param {import('node:http').ServerResponse} res
	 * @param {string} requestId
	 * @param {Job | undefined} job
	 */
	function cancel(res, requestId, job) {
		const at = Date.now();
		const jobStatus = job ? job.status : null;
		/** @type {[number, unknown]} */
		const [status, answer] = !job
			? [404, { status: 'NOT_FOUND' }]
			: queue.cancel(job, at)
				? [202, { status: 'CANCELLATION_REQUESTED' }]
				: [400, { status: 'ALREADY_COMPLETED' }];
		/** @type {CancelRequest} */
		const entry = { at, requestId, jobStatus, status, answer };
		cancelRequests.push(entry);
		if (job) job.cancelRequests.push(entry);
		return sendJson(res, status, answer, job ? { 'x-fal-request-id': job.requestId } : {});
	}

	return { serve };
}

module.exports = { createQueueRoutes };
