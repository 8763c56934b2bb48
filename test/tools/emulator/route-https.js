// @ts-check
'use strict';
/**
 * Sends fal traffic made through `node:https` to the emulator, the way route.js does for `fetch`.
 *
 * n8n's own HTTP client (axios, e.g. when n8n tests a credential) reaches https through
 * `follow-redirects`, which looks up `https.request` on the module object each time it sends, so
 * replacing the module's `request` and `get` properties is enough. A request to a fal host goes to
 * the emulator over plain http, with the host as the first path segment:
 *
 *   https://api.fal.ai/v1/models/pricing?endpoint_id=x
 *     -> http://127.0.0.1:PORT/api.fal.ai/v1/models/pricing?endpoint_id=x
 *
 * Method, headers, timeout, abort signal and the streamed body pass through; TLS and agent options
 * (an https agent cannot carry an http request) are dropped. Other hosts are untouched.
 */
const http = require('node:http');
const https = require('node:https');
const { rewriteUrl } = require('./route');

/** Request options that mean the same over http; everything else (agent, TLS, host) is dropped. */
const KEPT_OPTIONS = [
	'method',
	'headers',
	'auth',
	'timeout',
	'signal',
	'maxHeaderSize',
	'insecureHTTPParser',
	'joinDuplicateHeaders',
	'uniqueHeaders',
	'highWaterMark',
];

/**
 * @typedef {import('node:http').RequestOptions} RequestOptions
 * @typedef {(res: import('node:http').IncomingMessage) => void} ResponseListener
 * @typedef {{ url?: string | URL, options: RequestOptions, callback?: ResponseListener }} RequestArgs
 */

/**
 * Whether a first argument is a URL rather than options, by node:http's own test (an options object
 * built from a URL, as follow-redirects makes, also has `href` but comes with a `path`).
 * @param {any} value
 */
function isUrlArgument(value) {
	if (typeof value === 'string') return true;
	return Boolean(value?.href && value.protocol && value.auth === undefined && value.path === undefined);
}

/**
 * Normalises the overloads of `https.request(url?, options?, callback?)`.
 * @param {unknown[]} args
 * @returns {RequestArgs}
 */
function parseArgs(args) {
	/** @type {any[]} */
	const rest = [...args];
	/** @type {string | URL | undefined} */
	let url;
	if (isUrlArgument(rest[0])) url = rest.shift();
	/** @type {RequestOptions} */
	let options = {};
	if (rest[0] && typeof rest[0] === 'object') options = rest.shift();
	const callback = typeof rest[0] === 'function' ? rest[0] : undefined;
	return { url, options, callback };
}

/**
 * The https URL a request is for: the url argument, overridden by the host/port/path options.
 * @param {RequestArgs} a
 * @returns {string | undefined}
 */
function requestUrl({ url, options }) {
	let target;
	try {
		target = new URL(url === undefined ? 'https://localhost/' : String(url));
	} catch {
		return undefined;
	}
	const hostname = options.hostname ?? options.host;
	if (hostname) target.hostname = String(hostname).replace(/^\[|\]$/g, '');
	if (options.port !== undefined && options.port !== null) target.port = String(options.port);
	if (options.path) {
		const path = new URL(options.path, 'https://x');
		target.pathname = path.pathname;
		target.search = path.search;
	}
	return target.href;
}

/**
 * The options worth keeping for the emulator.
 * @param {RequestOptions} options
 * @returns {RequestOptions}
 */
function keptOptions(options) {
	/** @type {Record<string, unknown>} */
	const kept = {};
	/** @type {Record<string, unknown>} */
	const source = /** @type {any} */ (options);
	for (const key of KEPT_OPTIONS) if (source[key] !== undefined) kept[key] = source[key];
	return kept;
}

/**
 * Replaces `https.request` and `https.get` so that the requests `rewrite` gives a new (http) URL for go
 * there; every other request passes through to whatever was installed before (the real https, or another
 * routing installed earlier: fal's and openrouter.ai's stack).
 * @param {(url: string) => string | undefined} rewrite the https URL of a request -> where to send it
 * @returns {() => void} restore: undo the routing
 */
function routeHttps(rewrite) {
	/** @type {any} */
	const mod = https;
	const previousRequest = mod.request;
	const previousGet = mod.get;
	let active = true;

	/** @param {unknown[]} args */
	function routed(args) {
		if (!active) return undefined;
		const parsed = parseArgs(args);
		const url = requestUrl(parsed);
		const target = url === undefined ? undefined : rewrite(url);
		return target === undefined ? undefined : { target, options: keptOptions(parsed.options), callback: parsed.callback };
	}

	/** @param {unknown[]} args */
	function routedHttpsRequest(...args) {
		const to = routed(args);
		return to ? http.request(to.target, to.options, to.callback) : previousRequest.apply(mod, args);
	}

	/** @param {unknown[]} args */
	function routedHttpsGet(...args) {
		const to = routed(args);
		return to ? http.get(to.target, to.options, to.callback) : previousGet.apply(mod, args);
	}

	mod.request = routedHttpsRequest;
	mod.get = routedHttpsGet;

	return function restore() {
		active = false; // stays a pass-through if someone wrapped https on top of us
		if (mod.request === routedHttpsRequest) mod.request = previousRequest;
		if (mod.get === routedHttpsGet) mod.get = previousGet;
	};
}

/**
 * Sends requests to fal hosts to the emulator.
 * @param {string} emulatorUrl e.g. emulator.url (http://127.0.0.1:PORT)
 * @returns {() => void} restore: undo the routing
 */
function routeHttpsToEmulator(emulatorUrl) {
	const base = String(emulatorUrl).replace(/\/+$/, '');
	return routeHttps((url) => rewriteUrl(base, url));
}

module.exports = { routeHttps, routeHttpsToEmulator, requestUrl };
