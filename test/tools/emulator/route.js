// @ts-check
'use strict';
/**
 * Sends fal traffic to the emulator by wrapping `globalThis.fetch`.
 *
 * `@fal-ai/client` resolves `fetch` once, inside `createFalClient()`, so the routing must be
 * installed BEFORE any client is created (see preload.js for a real n8n process).
 *
 * https://queue.fal.run/openrouter/router/audio?x=1
 *   -> http://127.0.0.1:PORT/queue.fal.run/openrouter/router/audio?x=1
 */

const { UPLOAD_HOST } = require('./storage');

/** Hosts fal uses: fal.run, queue.fal.run, rest.fal.ai, api.fal.ai, v3b.fal.media, ... */
const FAL_HOST_RE = /(^|\.)fal\.(run|ai|media)$/;

/** The hosts the emulator answers: fal's, and the (not fal) host of the signed upload URLs it issues (storage.js). */
/** @param {string} hostname */
const routed = (hostname) => FAL_HOST_RE.test(hostname) || hostname === UPLOAD_HOST;

/** Marks our wrappers so a second install (or a reloaded module) still finds the real fetch. */
const ORIGINAL = Symbol.for('fal-emulator.originalFetch');

/**
 * The real fetch, captured when this module is first loaded. The emulator uses it to deliver
 * webhooks to 127.0.0.1, which must never be rewritten.
 * @type {typeof fetch}
 */
const originalFetch = unwrap(globalThis.fetch);

/**
 * @param {typeof fetch} f
 * @returns {typeof fetch}
 */
function unwrap(f) {
	/** @type {any} */
	const tagged = f;
	return tagged && tagged[ORIGINAL] ? tagged[ORIGINAL] : f;
}

/**
 * The URL string of any fetch input. Duck-typed, because under jest the URL/Request classes of
 * the test context are not the ones of the outer realm, so `instanceof` is unreliable.
 * @param {string | URL | Request} input
 * @returns {string}
 */
function inputUrl(input) {
	if (typeof input === 'string') return input;
	/** @type {any} */
	const obj = input;
	if (obj && typeof obj.href === 'string') return obj.href; // URL
	if (obj && typeof obj.url === 'string') return obj.url; // Request
	return String(input);
}

/**
 * Rewrites a URL of a host the emulator answers (fal's, the upload host) to it, or returns undefined.
 * @param {string} emulatorBase e.g. http://127.0.0.1:1234 (no trailing slash)
 * @param {string} url
 * @returns {string | undefined}
 */
function rewriteUrl(emulatorBase, url) {
	let parsed;
	try {
		parsed = new URL(url);
	} catch {
		return undefined;
	}
	if (!routed(parsed.hostname)) return undefined;
	return `${emulatorBase}/${parsed.host}${parsed.pathname}${parsed.search}`;
}

/**
 * Replaces `globalThis.fetch` so every request to a fal host goes to the emulator.
 * Method, headers, body (Blob and streams untouched) and signal pass through unchanged.
 * @param {string} emulatorUrl e.g. emulator.url
 * @returns {() => void} restore: undo the routing
 */
function routeFetchToEmulator(emulatorUrl) {
	const base = String(emulatorUrl).replace(/\/+$/, '');
	const previous = globalThis.fetch;
	let active = true;

	/** @type {typeof fetch} */
	const wrapper = async function falEmulatorFetch(input, init) {
		const target = active ? rewriteUrl(base, inputUrl(input)) : undefined;
		if (target === undefined) return previous(input, init);
		if (typeof input === 'string' || typeof (/** @type {any} */ (input).href) === 'string') {
			return previous(target, init);
		}
		// A Request: copy it onto the new URL. Its body is a stream, so undici needs duplex.
		/** @type {any} */
		const req = input;
		/** @type {RequestInit & { duplex?: 'half' }} */
		const copied = {
			method: req.method,
			headers: req.headers,
			body: req.body ?? undefined,
			signal: req.signal,
			redirect: req.redirect,
		};
		if (copied.body) copied.duplex = 'half';
		return previous(target, { ...copied, ...init });
	};
	/** @type {any} */ (wrapper)[ORIGINAL] = unwrap(previous);
	globalThis.fetch = wrapper;

	return function restore() {
		active = false; // stays a pass-through if someone wrapped fetch on top of us
		if (globalThis.fetch === wrapper) globalThis.fetch = previous;
	};
}

module.exports = { routeFetchToEmulator, rewriteUrl, originalFetch, FAL_HOST_RE, UPLOAD_HOST };
