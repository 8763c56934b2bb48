// @ts-check
'use strict';
/**
 * fal platform API: GET api.fal.ai/v1/models/pricing?endpoint_id=... (the credential test request).
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

module.exports = { sendPricing, ENDPOINT_ID, UNIT_PRICE };
