// @ts-check
'use strict';
/**
 * The fal headers of a submit (queue submit and sync run), which `@fal-ai/client` sets from the
 * submit options:
 *   X-Fal-Queue-Priority: normal (the client's default) | low
 *     (fal.ai/docs/documentation/deployment/requests)
 * Where the docs are silent, the emulator answers a value it cannot use with 400 { detail } and
 * queues nothing.
 */

/**
 * @typedef {'normal' | 'low'} Priority
 * @typedef {{ priority: Priority }} SubmitHeaders
 */

/**
 * @param {Record<string, string>} headers lower-case
 * @returns {SubmitHeaders | { error: string }}
 */
function parseSubmitHeaders(headers) {
	const priority = headers['x-fal-queue-priority'] ?? 'normal';
	if (priority !== 'normal' && priority !== 'low') {
		return { error: `X-Fal-Queue-Priority must be 'normal' or 'low', got '${priority}'` };
	}
	return { priority };
}

module.exports = { parseSubmitHeaders };
