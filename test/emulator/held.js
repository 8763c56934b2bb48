// @ts-check
'use strict';
/**
 * Responses that stay open while a job runs: the SSE status stream and the sync run (fal.run).
 * They are tracked so reset() can end them instead of leaving clients hanging.
 */
const { sendJson } = require('./http');

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {ReturnType<typeof import('./queue').createQueue>} Queue
 * @typedef {import('node:http').ServerResponse} Response
 */

/** @param {Queue} queue */
function createHeldResponses(queue) {
	/** @type {Set<Response>} */
	const held = new Set();

	/**
	 * @param {Response} res
	 * @param {Job} job
	 * @param {(job: Job) => void} onChange
	 * @param {() => void} [onClose]
	 */
	function hold(res, job, onChange, onClose) {
		const unsubscribe = queue.subscribe(job, onChange);
		held.add(res);
		res.on('close', () => {
			held.delete(res);
			unsubscribe();
			if (onClose) onClose();
		});
	}

	/**
	 * GET .../status/stream: `data: <status json>\n\n` at once and on every change (written
	 * immediately, no batching: completion-detection speed is measured), ends after COMPLETED.
	 * @param {Response} res
	 * @param {Job} job
	 * @param {boolean} withLogs
	 */
	function streamStatus(res, job, withLogs) {
		res.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
			'x-fal-request-id': job.requestId,
		});
		/** @param {Job} j */
		const send = (j) => {
			if (res.writableEnded || res.destroyed) return;
			res.write(`data: ${JSON.stringify(queue.statusOf(j, withLogs))}\n\n`);
			if (j.status === 'COMPLETED') res.end();
		};
		send(job);
		if (job.status !== 'COMPLETED') hold(res, job, send);
	}

	/**
	 * POST fal.run/...: the job goes through the same queue (as on fal), the response waits for it.
	 * @param {Response} res
	 * @param {Job} job
	 */
	function syncRun(res, job) {
		const reply = () => {
			const r = job.result ?? { status: 500, body: { detail: 'Internal Server Error' } };
			sendJson(res, r.status, r.body, { 'x-fal-request-id': job.requestId });
		};
		if (job.status === 'COMPLETED') return reply();
		// A caller that gives up (abort/timeout) stops the job, like a closed connection on fal.
		hold(res, job, (j) => j.status === 'COMPLETED' && reply(), () => res.writableEnded || queue.cancel(job));
	}

	return {
		streamStatus,
		syncRun,
		/** Ends every held response (their jobs are being dropped). */
		destroyAll() {
			for (const res of held) res.destroy();
			held.clear();
		},
	};
}

module.exports = { createHeldResponses };
