// @ts-check
'use strict';
/**
 * Responses that stay open while a job runs: the SSE status stream and the sync run (fal.run).
 * They are tracked so reset() can end them instead of leaving clients hanging.
 */
const { sendJson } = require('./http');
const { countDelivery } = require('./records');

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {ReturnType<typeof import('./queue').createQueue>} Queue
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {import('./faults').StreamCut} StreamCut
 */

/** @param {Queue} queue */
function createHeldResponses(queue) {
	/** @type {Set<Response>} */
	const held = new Set();
	/** Status events written on all streams since the last reset: what clients had to read and parse. */
	let eventsSent = 0;

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
	 * A `cut` (fault) ends it early; the job is not touched and keeps running.
	 * @param {Response} res
	 * @param {Job} job
	 * @param {boolean} withLogs
	 * @param {StreamCut} [cut]
	 */
	function streamStatus(res, job, withLogs, cut) {
		res.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
			'x-fal-request-id': job.requestId,
		});
		res.flushHeaders(); // a stalled stream still has its headers, like a proxy that went quiet
		let events = 0;
		let silent = false;
		/** @type {NodeJS.Timeout[]} */
		const timers = [];
		const doCut = () => {
			if (silent || res.writableEnded || res.destroyed) return;
			silent = true;
			const how = cut?.how ?? 'stall';
			if (how === 'end') res.end();
			else if (how === 'destroy') res.destroy();
			else if (cut?.stallMs !== undefined) timers.push(setTimeout(() => res.end(), cut.stallMs));
			// else: stall until the client aborts (or reset/close destroys held responses)
		};
		/** @param {Job} j */
		const send = (j) => {
			if (silent || res.writableEnded || res.destroyed) return;
			res.write(`data: ${JSON.stringify(queue.statusOf(j, withLogs))}\n\n`);
			events += 1;
			eventsSent += 1;
			if (j.status === 'COMPLETED') res.end();
			else if (cut?.afterEvents !== undefined && events >= cut.afterEvents) doCut();
		};
		if (cut?.afterEvents === 0) doCut();
		send(job);
		if (cut?.afterMs !== undefined) timers.push(setTimeout(doCut, cut.afterMs));
		res.on('close', () => timers.forEach(clearTimeout));
		if (!res.writableEnded && !res.destroyed) hold(res, job, send);
	}

	/**
	 * POST fal.run/...: the job goes through the same queue (as on fal), the response waits for it.
	 * @param {Response} res
	 * @param {Job} job
	 */
	function syncRun(res, job) {
		const reply = () => {
			const r = job.result ?? { status: 500, body: { detail: 'Internal Server Error' } };
			countDelivery(res, job);
			sendJson(res, r.status, r.body, { ...r.headers, 'x-fal-request-id': job.requestId });
		};
		if (job.status === 'COMPLETED') return reply();
		// A caller that gives up (abort/timeout) cancels the job, like a closed connection on fal.
		hold(res, job, (j) => j.status === 'COMPLETED' && reply(), () => res.writableEnded || queue.cancel(job));
	}

	return {
		streamStatus,
		syncRun,
		/** Ends every held response (their jobs are being dropped). */
		eventsSent: () => eventsSent,
		destroyAll() {
			for (const res of held) res.destroy();
			held.clear();
			eventsSent = 0;
		},
	};
}

module.exports = { createHeldResponses };
