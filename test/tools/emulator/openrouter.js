// @ts-check
'use strict';
/**
 * A stand-in for OpenRouter's public model list, `GET https://openrouter.ai/api/v1/models` (no key),
 * which the node's model picker reads. Response shape as documented by OpenRouter: `{ data: [{ id, name,
 * architecture: { modality, input_modalities, output_modalities }, ... }] }`.
 *
 * A separate tiny server with its own routing, rather than a route in server.js: openrouter.ai is not
 * fal, so route.js/route-https.js keep their "fal hosts only" contract, the fal emulator keeps reading as
 * fal's protocol reference, and no file another engineer edits changes. n8n's `httpRequest` helper
 * (axios) reaches https through `https.request`, so routeHttpsToOpenRouter wraps that, on top of (and
 * independent of) route-https.js:
 *
 *   https://openrouter.ai/api/v1/models -> http://127.0.0.1:PORT/openrouter.ai/api/v1/models
 */
const http = require('node:http');
const { routeHttps } = require('./route-https');

const OPENROUTER_HOST = 'openrouter.ai';

/**
 * @param {string} id
 * @param {string} name
 * @param {string[]} input
 * @param {string[]} [output]
 */
const model = (id, name, input, output = ['text']) => ({
	id,
	canonical_slug: id,
	name,
	created: 1750000000,
	description: `${name} (emulated entry).`,
	context_length: 1048576,
	architecture: { modality: `${input.join('+')}->${output.join('+')}`, input_modalities: input, output_modalities: output, tokenizer: 'Gemini', instruct_type: null },
	pricing: { prompt: '0.0000003', completion: '0.0000025', audio: '0.000001' },
	top_provider: { context_length: 1048576, max_completion_tokens: 65535, is_moderated: false },
	supported_parameters: ['temperature', 'max_tokens', 'reasoning'],
});

/** A small realistic list: audio-capable Gemini models among text-only and image-only ones. */
const OPENROUTER_MODELS = [
	model('google/gemini-3-flash-preview', 'Google: Gemini 3 Flash Preview', ['text', 'image', 'file', 'audio', 'video']),
	model('openai/gpt-4o-mini', 'OpenAI: GPT-4o-mini', ['text', 'image', 'file']),
	model('google/gemini-2.5-flash', 'Google: Gemini 2.5 Flash', ['file', 'image', 'text', 'audio', 'video']),
	model('anthropic/claude-sonnet-4.5', 'Anthropic: Claude Sonnet 4.5', ['text', 'image', 'file']),
	model('google/gemini-2.5-flash-image', 'Google: Gemini 2.5 Flash Image', ['image', 'text'], ['image', 'text']),
	model('google/gemini-3-pro-preview', 'Google: Gemini 3 Pro Preview', ['text', 'image', 'file', 'audio', 'video']),
	model('mistralai/voxtral-small-24b-2507', 'Mistral: Voxtral Small 24B 2507', ['text', 'audio']),
	model('meta-llama/llama-3.3-70b-instruct', 'Meta: Llama 3.3 70B Instruct', ['text']),
];

/**
 * @typedef {{ status?: number, body?: unknown, text?: string, delayMs?: number, drop?: boolean }} ModelsResponse
 *   what the next requests get: a status and JSON body (default 200 and the list), raw text, a delay
 *   before answering, or a dropped connection
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders }} ModelsRequest
 */

/** @param {ModelsResponse} [initial] */
async function startOpenRouterModels(initial = {}) {
	/** @type {ModelsResponse} */
	let response = initial;
	/** @type {ModelsRequest[]} */
	const requests = [];
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();

	const server = http.createServer((req, res) => {
		const path = (req.url ?? '/').replace(/^\/openrouter\.ai(?=\/)/, '');
		requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
		const answer = () => {
			if (response.drop) {
				req.socket.destroy();
				return;
			}
			if (req.method !== 'GET' || path.split('?')[0] !== '/api/v1/models') {
				res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"Not Found","code":404}}');
				return;
			}
			if (response.text !== undefined) {
				res.writeHead(response.status ?? 200, { 'content-type': 'text/html' }).end(response.text);
				return;
			}
			res.writeHead(response.status ?? 200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(response.body ?? { data: OPENROUTER_MODELS }));
		};
		if (!response.delayMs) {
			answer();
			return;
		}
		const timer = setTimeout(() => {
			timers.delete(timer);
			answer();
		}, response.delayMs);
		timers.add(timer);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		/** @param {ModelsResponse} next */
		respondWith(next) {
			response = next;
		},
		close() {
			for (const timer of timers) clearTimeout(timer);
			const done = new Promise((resolve) => server.close(() => resolve(undefined)));
			server.closeAllConnections();
			return done;
		},
	};
}

/**
 * Sends `https.request`/`https.get` calls for openrouter.ai to the stand-in; every other host passes
 * through to whatever was installed before (the real https, or route-https.js's fal routing).
 * @param {string} serverUrl
 * @returns {() => void} restore
 */
function routeHttpsToOpenRouter(serverUrl) {
	const base = String(serverUrl).replace(/\/+$/, '');
	return routeHttps((url) => {
		const target = new URL(url);
		return target.hostname === OPENROUTER_HOST ? `${base}/${OPENROUTER_HOST}${target.pathname}${target.search}` : undefined;
	});
}

module.exports = { startOpenRouterModels, routeHttpsToOpenRouter, OPENROUTER_MODELS, OPENROUTER_HOST };
