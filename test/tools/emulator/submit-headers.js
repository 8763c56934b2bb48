// @ts-check
'use strict';
/**
 * The fal headers of a submit (queue submit and sync run), which `@fal-ai/client` sets from the
 * submit options:
 *   X-Fal-Queue-Priority: normal (the client's default) | low
 *     (fal.ai/docs/documentation/deployment/requests)
 *   X-Fal-Request-Start-Timeout, or its older name X-Fal-Request-Timeout (the one the client sends for
 *   `startTimeout`): seconds, a float > 0.1, for the request to start; else a 400 with a detail
 *     (docs.fal.ai/documentation/model-apis/common-parameters, "X-Fal-Request-Timeout (start_timeout)")
 *   X-Fal-Store-IO: 0: fal stores no payloads (input, output) of the request; it is still listed in the
 *   request history, without them (fal.ai/docs/documentation/model-apis/inference/payloads,
 *   fal.ai/docs/documentation/model-apis/media-expiration)
 * Where the docs are silent, the emulator answers an unknown priority with 400 { detail } too; a bad
 * header queues nothing. Any X-Fal-Store-IO value other than "0" stores the payloads (the default).
 */

/**
 * @typedef {'normal' | 'low'} Priority
 * @typedef {{ priority: Priority, startTimeoutMs?: number, storeIo: boolean }} SubmitHeaders
 */

const START_TIMEOUT_HEADERS = ['x-fal-request-start-timeout', 'x-fal-request-timeout'];

/**
 * @param {Record<string, string>} headers lower-case
 * @returns {SubmitHeaders | { error: string }}
 */
function parseSubmitHeaders(headers) {
	const priority = headers['x-fal-queue-priority'] ?? 'normal';
	if (priority !== 'normal' && priority !== 'low') {
		return { error: `X-Fal-Queue-Priority must be 'normal' or 'low', got '${priority}'` };
	}
	const storeIo = headers['x-fal-store-io']?.trim() !== '0';
	const name = START_TIMEOUT_HEADERS.find((h) => headers[h] !== undefined);
	if (name === undefined) return { priority, storeIo };
	const seconds = Number(headers[name]);
	if (!Number.isFinite(seconds) || seconds <= 0.1) {
		return { error: `${name} must be a number of seconds greater than 0.1, got '${headers[name]}'` };
	}
	return { priority, startTimeoutMs: Math.round(seconds * 1000), storeIo };
}

module.exports = { parseSubmitHeaders };
