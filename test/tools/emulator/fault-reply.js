// @ts-check
'use strict';
/**
 * How a fired fault rule answers: an injected error reply, or losing the route's own answer
 * after the route acted (see faults.js).
 */
const { sendJson } = require('./http');

/**
 * @typedef {import('./faults').FaultRule} FaultRule
 * @typedef {import('./http').RecordedRequest} RecordedRequest
 * @typedef {import('node:http').ServerResponse} Response
 */

/**
 * Retry-After in either form HTTP allows: delay-seconds, or an HTTP-date (a Date or a string).
 * @param {number | string | Date} v
 */
const retryAfterHeader = (v) => (v instanceof Date ? v.toUTCString() : String(v));

/**
 * Sends the rule's error: `text` as is (HTML by default), else `body` as JSON. Functions get the
 * recorded request, so a body can echo e.g. its Authorization header ("the key never leaks").
 * @param {Response} res
 * @param {FaultRule} fault
 * @param {RecordedRequest} record
 */
function sendFault(res, fault, record) {
	const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : 500);
	/** @type {Record<string, string>} */
	const h = fault.retryAfter !== undefined ? { 'retry-after': retryAfterHeader(fault.retryAfter) } : {};
	if (fault.text !== undefined) {
		const text = typeof fault.text === 'function' ? fault.text(record) : fault.text;
		if (res.headersSent || res.destroyed) return;
		res.writeHead(status, { 'content-type': fault.contentType ?? 'text/html; charset=utf-8', ...h });
		res.end(text);
		return;
	}
	const body = typeof fault.body === 'function' ? fault.body(record) : fault.body;
	if (fault.contentType === undefined) return sendJson(res, status, body ?? { detail: 'Injected fault' }, h);
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, { 'content-type': fault.contentType, ...h });
	res.end(JSON.stringify(body ?? { detail: 'Injected fault' }));
}

/**
 * Lets the route run normally, but loses what it answers (`after`): the writes of the route are
 * intercepted on this one response and replaced by the fault.
 * @param {Response} res
 * @param {FaultRule} fault
 * @param {RecordedRequest} record
 */
function loseAnswer(res, fault, record) {
	/** @type {any} */
	const r = res;
	/** @type {(...args: any[]) => Response} */
	const realWriteHead = res.writeHead.bind(res);
	const realEnd = res.end.bind(res);
	const realWrite = res.write.bind(res);
	/** @type {any[]} */
	let head = [];
	r.writeHead = (/** @type {any[]} */ ...args) => {
		head = args;
		return res;
	};
	r.write = () => true;
	r.lostAnswer = true; // records.js: never a delivery
	r.end = (/** @type {any} */ chunk) => {
		r.writeHead = realWriteHead;
		r.end = realEnd;
		r.write = realWrite;
		if (fault.after === 'drop') {
			res.destroy();
		} else if (fault.after === 'truncate') {
			const buf = Buffer.from(chunk ?? '');
			if (head.length > 0) realWriteHead(...head);
			// Let the half body reach the socket before it dies.
			res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
		} else {
			sendFault(res, { ...fault, after: undefined }, record);
		}
		return res;
	};
}

module.exports = { sendFault, loseAnswer, retryAfterHeader };
