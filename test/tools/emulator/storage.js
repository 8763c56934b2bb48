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
 */

function createStorage() {
	/** @type {Map<string, Upload>} file_url -> stored file (public, `emulator.uploads`) */
	const uploads = new Map();
	/** @type {Map<string, PendingUpload>} token -> upload not finished yet */
	const pending = new Map();

	/**
	 * @param {unknown} body
	 * @param {boolean} multipart
	 * @returns {Reply}
	 */
	function initiate(body, multipart) {
		/** @type {any} */
		const b = body;
		if (!b || typeof b.content_type !== 'string' || typeof b.file_name !== 'string' || !b.file_name) {
			return { status: 422, body: { detail: [{ loc: ['body', 'file_name'], msg: 'Field required', type: 'missing' }] } };
		}
		const token = randomUUID().replace(/-/g, '');
		const fileUrl = `${CDN}/files/b/${token}/${encodeURIComponent(b.file_name)}`;
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
		initiate,
		hasherFor,
		put,
		putPart,
		complete,
		/** @param {string} fileUrl */
		has: (fileUrl) => uploads.has(fileUrl),
		reset() {
			uploads.clear();
			pending.clear();
		},
	};
}

module.exports = { createStorage, CDN, UPLOAD_HOST };
