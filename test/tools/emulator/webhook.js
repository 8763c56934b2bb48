// @ts-check
'use strict';
/**
 * Webhooks: when a job submitted with `?fal_webhook=URL` finishes, fal POSTs
 *   { request_id, gateway_request_id, status: 'OK' | 'ERROR', payload, error? }
 * Sent with the unpatched fetch captured by route.js: the target is a local test server, which
 * must not be rewritten even while fetch is routed to the emulator.
 */
const { originalFetch } = require('./route');

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {{ url: string, requestId: string, body: unknown, status?: number, error?: string }} WebhookDelivery
 */

function createWebhooks() {
	/** @type {WebhookDelivery[]} every attempted delivery, with the HTTP status or network error */
	const deliveries = [];
	let aborts = new AbortController();

	/** @param {Job} job a finished job with a webhookUrl */
	function deliver(job) {
		if (!job.webhookUrl) return;
		const result = job.result ?? { status: 500, body: null };
		const ok = result.status === 200;
		const body = {
			request_id: job.requestId,
			gateway_request_id: job.requestId,
			status: ok ? 'OK' : 'ERROR',
			payload: result.body,
			...(ok ? {} : { error: `Invalid status code: ${result.status}` }),
		};
		/** @type {WebhookDelivery} */
		const delivery = { url: job.webhookUrl, requestId: job.requestId, body };
		deliveries.push(delivery);
		originalFetch(job.webhookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: aborts.signal,
		}).then(
			async (r) => {
				delivery.status = r.status;
				await r.arrayBuffer().catch(() => undefined); // free the connection
			},
			(e) => {
				delivery.error = String(e && e.message);
			},
		);
	}

	return {
		deliveries,
		deliver,
		/** Aborts deliveries in flight (reset/close), so no request outlives the emulator. */
		abort() {
			aborts.abort();
			aborts = new AbortController();
			deliveries.length = 0;
		},
	};
}

module.exports = { createWebhooks };
