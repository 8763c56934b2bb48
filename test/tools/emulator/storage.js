// @ts-check
'use strict';
/**
 * fal CDN storage as `@fal-ai/client` uses it (storage.js in the client):
 *   1. POST rest.fal.ai/storage/upload/initiate[-multipart]  { content_type, file_name }
 *        -> { upload_url, file_url }
 *   2. PUT upload_url with the bytes, or, multipart: PUT <upload_url>/<n> per 10 MB part
 *        -> { partNumber, etag }, then POST <upload_url>/complete { parts }
 *   3. file_url is then usable as an input URL.
 * Only size, sha256 and metadata are kept; the bytes are hashed while streaming and dropped.
 *
 * Lifetime (fal.ai/docs/documentation/model-apis/media-expiration; the client's storage.js): an initiation may
 * carry `X-Fal-Object-Lifecycle: {"expiration_duration_seconds": n}` (the client's `lifecycle.expiresIn`);
 * once n seconds have passed the file is deleted: its URL answers 404 and a job given it cannot download it.
 * `expiration_duration_seconds: null`, or no header, keeps it (the account's default in fal's docs, which
 * the emulator takes as no expiry). Silent in the docs, the emulator's choices: the count starts at the
 * initiation; a header that is not such JSON is a 400 { detail } and starts no upload. The CDN's clock can be
 * moved forward (`advanceClock`) so tests need not wait for an expiry.
 */
const { randomUUID, createHash } = require('node:crypto');

/** Where uploaded files are served: fal's CDN (fal.ai/docs/documentation/model-apis/fal-cdn, "CDN URL format"). */
const CDN = 'https://v3b.fal.media';

/**
 * Where the bytes are sent. fal's docs do not name the host of the signed `upload_url` an initiation answers
 * (fal.ai/docs/documentation/model-apis/fal-cdn says only that the SDK uploads through its own endpoints), so the
 * emulator answers one that is not a fal host at all, like a signed object-storage URL: a client can know the
 * upload only from the initiation's answer, never from the host. A reserved name (.example), routed to the
 * emulator by route.js / route-https.js, never reached for real.
 */
const UPLOAD_HOST = 'fal-cdn-uploads.object-storage.example';
const UPLOAD_BASE = `https://${UPLOAD_HOST}/files/upload`;

/**
 * @typedef {{ contentType: string, fileName: string, size: number, sha256: string | null }} Upload
 * @typedef {{
 *   contentType: string, fileName: string, fileUrl: string, multipart: boolean,
 *   hash: import('node:crypto').Hash, nextPart: number, inOrder: boolean, size: number,
 * }} PendingUpload
 * @typedef {{ status: number, body: unknown }} Reply
 * @typedef {{ lifecycle: unknown, expiresAt: number | null }} Lifetime
 *   lifecycle: the X-Fal-Object-Lifecycle header as sent (parsed JSON; undefined when absent);
 *   expiresAt: on the CDN's clock (ms), null when the file never expires
 */

/**
 * @param {string | undefined} header X-Fal-Object-Lifecycle
 * @returns {{ lifecycle: unknown, seconds: number | null } | { error: string }}
 */
function parseLifecycle(header) {
	if (header === undefined) return { lifecycle: undefined, seconds: null };
	/** @type {any} */
	let lifecycle;
	try {
		lifecycle = JSON.parse(header);
	} catch {
		return { error: `X-Fal-Object-Lifecycle must be JSON, got '${header.slice(0, 100)}'` };
	}
	const seconds = lifecycle?.expiration_duration_seconds;
	if (seconds === undefined || seconds === null) return { lifecycle, seconds: null };
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1) {
		return { error: `expiration_duration_seconds must be a number of seconds of at least 1 or null, got ${JSON.stringify(seconds)}` };
	}
	return { lifecycle, seconds };
}

function createStorage() {
	/** The CDN's clock: Date.now() plus how far a test moved it forward. */
	let clockOffsetMs = 0;
	const now = () => Date.now() + clockOffsetMs;
	/** @type {Map<string, Lifetime>} file_url -> the lifetime its initiation asked for (`emulator.uploadLifetimes`) */
	const lifetimes = new Map();
	/** @param {string} fileUrl */
	const expired = (fileUrl) => {
		const expiresAt = lifetimes.get(fileUrl)?.expiresAt;
		return expiresAt !== undefined && expiresAt !== null && now() >= expiresAt;
	};
	/** @type {Map<string, Upload>} file_url -> stored file (public, `emulator.uploads`) */
	const uploads = new Map();
	/** @type {Map<string, PendingUpload>} token -> upload not finished yet */
	const pending = new Map();

	/**
	 * @param {unknown} body
	 * @param {boolean} multipart
	 * @param {string} [lifecycleHeader] X-Fal-Object-Lifecycle
	 * @returns {Reply}
	 */
	function initiate(body, multipart, lifecycleHeader) {
		/** @type {any} */
		const b = body;
		if (!b || typeof b.content_type !== 'string' || typeof b.file_name !== 'string' || !b.file_name) {
			return { status: 422, body: { detail: [{ loc: ['body', 'file_name'], msg: 'Field required', type: 'missing' }] } };
		}
		const lifetime = parseLifecycle(lifecycleHeader);
		if ('error' in lifetime) return { status: 400, body: { detail: lifetime.error } };
		const token = randomUUID().replace(/-/g, '');
		const fileUrl = `${CDN}/files/b/${token}/${encodeURIComponent(b.file_name)}`;
		lifetimes.set(fileUrl, { lifecycle: lifetime.lifecycle, expiresAt: lifetime.seconds === null ? null : now() + lifetime.seconds * 1000 });
		pending.set(token, {
			contentType: b.content_type,
			fileName: b.file_name,
			fileUrl,
			multipart,
			hash: createHash('sha256'),
			nextPart: 1,
			inOrder: true,
			size: 0,
		});
		return { status: 200, body: { upload_url: `${UPLOAD_BASE}/${token}?X-Upload-Signature=${token.slice(0, 8)}`, file_url: fileUrl } };
	}

	/**
	 * The hash a body must be streamed into. For the next multipart part it continues (a copy
	 * of) the running hash, committed only when the part is accepted, so a dropped part is harmless.
	 * @param {string} token
	 * @param {number} [part]
	 */
	function hasherFor(token, part) {
		const p = pending.get(token);
		if (p && part !== undefined && part === p.nextPart && p.inOrder) return p.hash.copy();
		return createHash('sha256');
	}

	/**
	 * Single PUT of the whole file.
	 * @param {string} token
	 * @param {number} size
	 * @param {import('node:crypto').Hash} hash
	 * @param {string | undefined} contentTypeHeader
	 * @returns {Reply}
	 */
	function put(token, size, hash, contentTypeHeader) {
		const p = pending.get(token);
		if (!p || p.multipart) return { status: 404, body: { detail: 'Upload not found' } };
		pending.delete(token);
		uploads.set(p.fileUrl, {
			contentType: contentTypeHeader || p.contentType,
			fileName: p.fileName,
			size,
			sha256: hash.digest('hex'),
		});
		return { status: 200, body: { file_url: p.fileUrl } };
	}

	/**
	 * @param {string} token
	 * @param {number} part 1-based
	 * @param {number} size
	 * @param {import('node:crypto').Hash} hash from hasherFor(token, part)
	 * @returns {Reply}
	 */
	function putPart(token, part, size, hash) {
		const p = pending.get(token);
		if (!p || !p.multipart) return { status: 404, body: { detail: 'Upload not found' } };
		if (part === p.nextPart && p.inOrder) {
			p.hash = hash;
			p.nextPart += 1;
		} else {
			// Parts out of order (or re-sent): the whole-file sha256 cannot be computed any more.
			p.inOrder = false;
		}
		p.size += size;
		return { status: 200, body: { partNumber: part, etag: `"${createHash('md5').update(`${token}:${part}:${size}`).digest('hex')}"` } };
	}

	/**
	 * @param {string} token
	 * @returns {Reply}
	 */
	function complete(token) {
		const p = pending.get(token);
		if (!p || !p.multipart) return { status: 404, body: { detail: 'Upload not found' } };
		pending.delete(token);
		uploads.set(p.fileUrl, {
			contentType: p.contentType,
			fileName: p.fileName,
			size: p.size,
			sha256: p.inOrder ? p.hash.digest('hex') : null,
		});
		return { status: 200, body: { file_url: p.fileUrl } };
	}

	return {
		uploads,
		lifetimes,
		initiate,
		hasherFor,
		put,
		putPart,
		complete,
		/** A stored file that has not expired. @param {string} fileUrl */
		has: (fileUrl) => uploads.has(fileUrl) && !expired(fileUrl),
		/** The stored file, unless it has expired. @param {string} fileUrl */
		live: (fileUrl) => (expired(fileUrl) ? undefined : uploads.get(fileUrl)),
		/** Moves the CDN's clock forward. @param {number} ms */
		advanceClock(ms) {
			clockOffsetMs += ms;
		},
		reset() {
			uploads.clear();
			pending.clear();
			lifetimes.clear();
			clockOffsetMs = 0;
		},
	};
}

module.exports = { createStorage, CDN, UPLOAD_HOST };
