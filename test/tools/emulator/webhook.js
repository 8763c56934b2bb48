// @ts-check
'use strict';
/**
 * Webhooks (docs.fal.ai/model-apis/model-endpoints/webhooks): when a job submitted with `?fal_webhook=URL`
 * finishes, fal POSTs
 *   { request_id, gateway_request_id, status: 'OK' | 'ERROR', payload, error? }
 * signed as "Verifying your webhook" describes: headers X-Fal-Webhook-Request-Id, -User-Id, -Timestamp (Unix
 * seconds) and -Signature, the hex Ed25519 signature of
 *   <request id> \n <user id> \n <timestamp> \n <hex SHA-256 of the raw body>
 * by a key published in the JWKS at rest.alpha.fal.ai/.well-known/jwks.json (the `jwks` route). The emulator
 * signs with its own Ed25519 key and serves its own public key there.
 *
 * "Retry policy": a delivery that fails is retried 10 times in the span of 2 hours. Silent in fal's docs and
 * chosen here: a failure is anything but a 2xx answer or a network error; the delays between attempts
 * (`retryDelaysMs`, default below, summing to about 2 hours; tests pass short ones); each attempt is signed
 * anew with its own timestamp (a retry an hour later could not pass the 5-minute tolerance otherwise).
 *
 * Sent with the unpatched fetch captured by route.js: the target is a local test server, which must not be
 * rewritten even while fetch is routed to the emulator.
 */
const { createHash, generateKeyPairSync, sign } = require('node:crypto');
const { originalFetch } = require('./route');

/** About 2 hours in 10 retries: 15 s, 30 s, 1, 2, 4, 8, 15, 20, 30 and 40 minutes. */
const DEFAULT_RETRY_DELAYS_MS = [15e3, 30e3, 60e3, 120e3, 240e3, 480e3, 900e3, 1200e3, 1800e3, 2400e3];

/** The user ID the emulator's deliveries name (fal sends the submitting account's). */
const EMULATOR_USER_ID = 'emulator-user';

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {{ at: number, status?: number, error?: string }} WebhookAttempt
 * @typedef {{ url: string, requestId: string, body: unknown, status?: number, error?: string, attempts: WebhookAttempt[] }} WebhookDelivery
 *   `status` / `error`: the last attempt's; `attempts`: every attempt, in order.
 * @typedef {{ requestId: string, userId?: string, timestamp?: number }} SignOptions
 */

/**
 * One Ed25519 signing key and its JWK.
 * @param {number} index
 */
function newKey(index) {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	const jwk = publicKey.export({ format: 'jwk' });
	return { privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: `emulator-${index}`, alg: 'EdDSA', use: 'sig' } };
}

/**
 * @param {{ retryDelaysMs?: number[] }} [options]
 */
function createWebhooks(options = {}) {
	let retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
	/** @type {WebhookDelivery[]} every delivery, with its attempts */
	const deliveries = [];
	let aborts = new AbortController();
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** Every key published; the last one signs. Kept across reset(), as fal's keys outlive any test. */
	const keys = [newKey(1)];

	/**
	 * fal's signature headers for `rawBody`, made with the current key.
	 * @param {string | Buffer} rawBody
	 * @param {SignOptions} o
	 * @returns {Record<string, string>}
	 */
	function signDelivery(rawBody, o) {
		const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
		const userId = o.userId ?? EMULATOR_USER_ID;
		const bodyHash = createHash('sha256').update(rawBody).digest('hex');
		const message = Buffer.from(`${o.requestId}\n${userId}\n${timestamp}\n${bodyHash}`, 'utf8');
		const signature = sign(null, message, keys[keys.length - 1].privateKey).toString('hex');
		return {
			'x-fal-webhook-request-id': o.requestId,
			'x-fal-webhook-user-id': userId,
			'x-fal-webhook-timestamp': timestamp,
			'x-fal-webhook-signature': signature,
		};
	}

	/** @param {WebhookDelivery} delivery @param {string} raw @param {number} attempt */
	function send(delivery, raw, attempt) {
		/** @type {WebhookAttempt} */
		const record = { at: Date.now() };
		delivery.attempts.push(record);
		// This attempt's signal: abort() replaces the controller, and nothing it aborted may schedule a retry.
		const signal = aborts.signal;
		const retry = () => {
			const delay = retryDelaysMs[attempt];
			if (delay === undefined || signal.aborted) return;
			const t = setTimeout(() => {
				timers.delete(t);
				if (!signal.aborted) send(delivery, raw, attempt + 1);
			}, delay);
			timers.add(t);
		};
		originalFetch(delivery.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...signDelivery(raw, { requestId: delivery.requestId }) },
			body: raw,
			signal,
		}).then(
			async (r) => {
				record.status = delivery.status = r.status;
				delete delivery.error;
				await r.arrayBuffer().catch(() => undefined); // free the connection
				if (r.status < 200 || r.status > 299) retry();
			},
			(e) => {
				record.error = delivery.error = String(e && e.message);
				retry();
			},
		);
	}

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
		const delivery = { url: job.webhookUrl, requestId: job.requestId, body, attempts: [] };
		deliveries.push(delivery);
		send(delivery, JSON.stringify(body), 0);
	}

	return {
		deliveries,
		deliver,
		signDelivery,
		/** The JWKS the `jwks` route serves: every key published. */
		jwks: () => ({ keys: keys.map((k) => k.jwk) }),
		/** @param {number[]} delays */
		setRetryDelays(delays) {
			retryDelaysMs = delays;
		},
		/** Aborts deliveries in flight and pending retries (reset/close), so no request outlives the emulator. */
		abort() {
			aborts.abort();
			aborts = new AbortController();
			for (const t of timers) clearTimeout(t);
			timers.clear();
			deliveries.length = 0;
			retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
		},
	};
}

module.exports = { createWebhooks, DEFAULT_RETRY_DELAYS_MS, EMULATOR_USER_ID };
