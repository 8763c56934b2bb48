// @ts-check
'use strict';
/**
 * HTTP plumbing of the emulator: which fal route a request is, reading bodies, replying.
 *
 * After route.js, the original host is the first path segment:
 *   /queue.fal.run/openrouter/router/requests/<id>/status -> host queue.fal.run, path /openrouter/...
 */
const { createHash } = require('node:crypto');
const { UPLOAD_HOST } = require('./storage');

/**
 * @typedef {'submit'|'status'|'stream'|'result'|'cancel'|'run'|'initiate'|'initiate-multipart'
 *   |'upload'|'upload-part'|'upload-complete'|'pricing'|'history'|'delete-payloads'|'file'|'jwks'|'unknown'} Route
 * @typedef {{
 *   route: Route, method: string, host: string, path: string,
 *   query: Record<string, string>, headers: Record<string, string>,
 *   body: unknown, bytes: number,
 *   at: number, answeredAt: number | null, answerStatus: number | null,
 * }} RecordedRequest
 *   `at`: when the request arrived; `answeredAt`: when its answer was written in full (null while open,
 *   or if the socket was destroyed first), `answerStatus` its HTTP status. Date.now() times, like a Job's.

 * @typedef {{ route: Route, app?: string, requestId?: string, token?: string, part?: number }} RouteInfo
 */

/** fal hosts that accept the queue / sync-run protocol. */
const QUEUE_HOST = 'queue.fal.run';
const RUN_HOST = 'fal.run';

/** Routes anyone may call: the signed upload URLs, the public CDN files and fal's webhook keys. */
const PUBLIC_ROUTES = new Set(['upload', 'upload-part', 'upload-complete', 'file', 'jwks']);

/** Routes whose body is audio bytes: hashed while streaming, never buffered. */
const BYTE_ROUTES = new Set(['upload', 'upload-part']);

/**
 * @param {string} method upper-case
 * @param {string} host
 * @param {string} path starts with '/'
 * @returns {RouteInfo}
 */
function classify(method, host, path) {
	if (host === QUEUE_HOST) {
		// <app>/requests/<id>[/status[/stream] | /cancel]; <app> is owner/alias, the client drops /audio
		const m = /^\/(.+?)\/requests\/([^/]+)(\/status\/stream|\/status|\/cancel)?\/?$/.exec(path);
		if (m) {
			const [, app, requestId, tail] = m;
			if (tail === '/status/stream' && method === 'GET') return { route: 'stream', app, requestId };
			if (tail === '/status' && method === 'GET') return { route: 'status', app, requestId };
			if (tail === '/cancel' && method === 'PUT') return { route: 'cancel', app, requestId };
			if (!tail && method === 'GET') return { route: 'result', app, requestId };
			return { route: 'unknown' };
		}
		if (method === 'POST') return { route: 'submit', app: path.replace(/^\/|\/$/g, '') };
	}
	if (host === RUN_HOST && method === 'POST') return { route: 'run', app: path.replace(/^\/|\/$/g, '') };
	if (host === 'rest.fal.ai' && method === 'POST') {
		if (path === '/storage/upload/initiate') return { route: 'initiate' };
		if (path === '/storage/upload/initiate-multipart') return { route: 'initiate-multipart' };
	}
	if (host === 'api.fal.ai' && path === '/v1/models/pricing' && method === 'GET') return { route: 'pricing' };
	// docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying your webhook": the keys webhooks are signed with.
	if (host === 'rest.alpha.fal.ai' && path === '/.well-known/jwks.json' && method === 'GET') return { route: 'jwks' };
	if (host === 'api.fal.ai' && path === '/v1/models/requests/by-endpoint' && method === 'GET') return { route: 'history' };
	const payloads = /^\/v1\/models\/requests\/([^/]+)\/payloads$/.exec(path);
	if (host === 'api.fal.ai' && payloads && method === 'DELETE') return { route: 'delete-payloads', requestId: payloads[1] };
	// The signed upload URLs, on a host that is not fal's (storage.js).
	if (host === UPLOAD_HOST) {
		const up = /^\/files\/upload\/([^/]+)(?:\/(\d+|complete))?$/.exec(path);
		if (up && up[2] === undefined && method === 'PUT') return { route: 'upload', token: up[1] };
		if (up && up[2] === 'complete' && method === 'POST') return { route: 'upload-complete', token: up[1] };
		if (up && up[2] && up[2] !== 'complete' && method === 'PUT') {
			return { route: 'upload-part', token: up[1], part: Number(up[2]) };
		}
	}
	if (/(^|\.)fal\.media$/.test(host) && path.startsWith('/files/') && (method === 'GET' || method === 'HEAD')) return { route: 'file' };
	return { route: 'unknown' };
}

/**
 * Reads a JSON body. Invalid JSON is kept as `parseError` so the job can fail the way fal does.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ bytes: number, body: unknown, parseError: boolean }>}
 */
async function readJsonBody(req) {
	/** @type {Buffer[]} */
	const chunks = [];
	let bytes = 0;
	for await (const chunk of req) {
		chunks.push(chunk);
		bytes += chunk.length;
	}
	if (bytes === 0) return { bytes, body: undefined, parseError: false };
	try {
		return { bytes, body: JSON.parse(Buffer.concat(chunks, bytes).toString('utf8')), parseError: false };
	} catch {
		return { bytes, body: undefined, parseError: true };
	}
}

/**
 * Streams a byte body into a sha256 hash, so a 50 MB upload never sits in memory.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:crypto').Hash} [hash] continue this hash (multipart parts) or a new one
 * @returns {Promise<{ bytes: number, hash: import('node:crypto').Hash }>}
 */
async function hashBody(req, hash = createHash('sha256')) {
	let bytes = 0;
	for await (const chunk of req) {
		hash.update(chunk);
		bytes += chunk.length;
	}
	return { bytes, hash };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Record<string, string>}
 */
function lowerCaseHeaders(req) {
	/** @type {Record<string, string>} */
	const out = {};
	for (const [k, v] of Object.entries(req.headers)) {
		if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
	}
	return out;
}

/**
 * `Authorization: Key <k>` with k in apiKeys.
 * @param {Record<string, string>} headers lower-case
 * @param {string[]} apiKeys
 */
function isAuthorized(headers, apiKeys) {
	const m = /^Key\s+(.+)$/.exec(headers.authorization ?? '');
	return !!m && apiKeys.includes(m[1].trim());
}

module.exports = {
	classify,
	readJsonBody,
	hashBody,
	sendJson,
	lowerCaseHeaders,
	isAuthorized,
	PUBLIC_ROUTES,
	BYTE_ROUTES,
};
