// @ts-check
'use strict';
/**
 * Input validation of `openrouter/router/audio` (per the endpoint's input schema) and the
 * emulator's deterministic default answer.
 *
 * fal runs the app's pydantic model when the job runs, so errors arrive as a 422 on the result
 * request, shaped `{ detail: [{ loc: ['body', field], msg, type }] }`.
 */

/** @typedef {{ loc: (string|number)[], msg: string, type: string }} FieldError */

const { isSegmentsRequest, segmentsOutput } = require('./segments');

const DATA_URI_RE = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)?((?:;[a-z0-9_.-]+=[^;,]*)*)(;base64)?,/i;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * @param {string} field
 * @param {string} msg
 * @param {string} type
 * @returns {FieldError}
 */
const err = (field, msg, type) => ({ loc: field ? ['body', field] : ['body'], msg, type });

/**
 * A well-formed data: URI: a media type (optional), parameters, optional ;base64 and a
 * non-empty payload that decodes.
 * @param {string} s
 */
function isWellFormedDataUri(s) {
	const m = DATA_URI_RE.exec(s);
	if (!m) return false;
	const payload = s.slice(m[0].length);
	if (payload.length === 0) return false;
	if (m[3]) return payload.length % 4 === 0 && BASE64_RE.test(payload);
	try {
		decodeURIComponent(payload);
		return true;
	} catch {
		return false;
	}
}

/**
 * Files on fal's CDN. Such URLs are only valid if the emulator stored them (client uploads).
 * @param {URL} url
 */
const isFalCdnFile = (url) => /(^|\.)fal\.media$/.test(url.hostname) && url.pathname.startsWith('/files/');

/**
 * @param {unknown} audioUrl
 * @param {(fileUrl: string) => boolean} isKnownUpload
 * @returns {FieldError | undefined}
 */
function checkAudioUrl(audioUrl, isKnownUpload) {
	if (audioUrl === undefined) return err('audio_url', 'Field required', 'missing');
	if (typeof audioUrl !== 'string') return err('audio_url', 'Input should be a valid string', 'string_type');
	if (audioUrl.startsWith('data:')) {
		return isWellFormedDataUri(audioUrl) ? undefined : err('audio_url', 'Invalid data URI', 'value_error');
	}
	let url;
	try {
		url = new URL(audioUrl);
	} catch {
		return err('audio_url', 'Input should be a valid URL', 'url_parsing');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return err('audio_url', 'URL scheme should be http, https or data', 'url_scheme');
	}
	if (isFalCdnFile(url) && !isKnownUpload(audioUrl)) {
		return err('audio_url', `Failed to download the file: ${audioUrl} (404)`, 'value_error');
	}
	return undefined;
}

/**
 * Validates the input exactly per the endpoint spec.
 * @param {unknown} input parsed JSON body of the submit/run request
 * @param {(fileUrl: string) => boolean} isKnownUpload
 * @returns {FieldError[]} empty when valid
 */
function validateInput(input, isKnownUpload) {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return [err('', 'Input should be a valid dictionary', 'dict_type')];
	}
	/** @type {Record<string, unknown>} */
	const i = /** @type {any} */ (input);
	/** @type {(FieldError | undefined)[]} */
	const errors = [checkAudioUrl(i.audio_url, isKnownUpload)];

	for (const field of ['prompt', 'model']) {
		const v = i[field];
		if (v === undefined) errors.push(err(field, 'Field required', 'missing'));
		else if (typeof v !== 'string') errors.push(err(field, 'Input should be a valid string', 'string_type'));
		else if (v.length === 0) errors.push(err(field, 'String should have at least 1 character', 'string_too_short'));
	}
	if (i.system_prompt !== undefined && typeof i.system_prompt !== 'string') {
		errors.push(err('system_prompt', 'Input should be a valid string', 'string_type'));
	}
	if (i.reasoning !== undefined && typeof i.reasoning !== 'boolean') {
		errors.push(err('reasoning', 'Input should be a valid boolean', 'bool_type'));
	}
	const t = i.temperature;
	if (t !== undefined) {
		if (typeof t !== 'number' || !Number.isFinite(t)) errors.push(err('temperature', 'Input should be a valid number', 'float_type'));
		else if (t < 0) errors.push(err('temperature', 'Input should be greater than or equal to 0', 'greater_than_equal'));
		else if (t > 2) errors.push(err('temperature', 'Input should be less than or equal to 2', 'less_than_equal'));
	}
	const mt = i.max_tokens;
	if (mt !== undefined) {
		if (typeof mt !== 'number' || !Number.isInteger(mt)) errors.push(err('max_tokens', 'Input should be a valid integer', 'int_type'));
		else if (mt < 1) errors.push(err('max_tokens', 'Input should be greater than or equal to 1', 'greater_than_equal'));
	}
	return /** @type {FieldError[]} */ (errors.filter(Boolean));
}

/**
 * A request asks for JSON when its prompt carries the node's Output Format JSON instruction (its last line). The
 * phrase is duplicated from nodes/OpenRouterAudio/answer/json.ts (JSON_INSTRUCTION) instead of imported, like
 * SEGMENTS_MARKER (segments.js); a unit test checks both copies are equal.
 */
const JSON_MARKER = 'Answer with a single JSON value only';

/** @param {unknown} prompt */
const isJsonRequest = (prompt) => typeof prompt === 'string' && prompt.includes(JSON_MARKER);

/**
 * The answer a model gives a prompt that asks for JSON: a small object echoing the model and the user's part of
 * the prompt (without the instruction line), `{"answer":"Echo from <model>: <prompt>"}`.
 * @param {{ prompt: string, model: string }} input
 */
function jsonOutput(input) {
	const asked = input.prompt
		.split('\n')
		.filter((line) => !line.includes(JSON_MARKER))
		.join('\n');
	return JSON.stringify({ answer: `Echo from ${input.model}: ${asked}` });
}

/**
 * The deterministic default answer, so tests can assert exact values:
 *   output            = "Echo from <model>: <prompt>", or for a Segments request the JSON
 *                       transcript of segments.js, or for a JSON request (Output Format JSON)
 *                       {"answer":"Echo from <model>: <prompt without the JSON instruction>"}
 *   prompt_tokens     = 100 + prompt.length   (100 stands for the audio)
 *   completion_tokens = output.length
 *   total_tokens      = prompt_tokens + completion_tokens
 *   cost              = Math.round(total_tokens * 0.01) / 10000
 *                     = total_tokens * $0.000001 (the pricing unit_price), rounded to 4 decimals
 * @param {{ prompt: string, model: string }} input a validated input
 */
function defaultAnswer(input) {
	const output = isSegmentsRequest(input.prompt)
		? segmentsOutput(input)
		: isJsonRequest(input.prompt)
			? jsonOutput(input)
			: `Echo from ${input.model}: ${input.prompt}`;
	const prompt_tokens = 100 + input.prompt.length;
	const completion_tokens = output.length;
	const total_tokens = prompt_tokens + completion_tokens;
	const cost = Math.round(total_tokens * 0.01) / 10000;
	return { output, usage: { prompt_tokens, completion_tokens, total_tokens, cost } };
}

module.exports = { validateInput, defaultAnswer, isWellFormedDataUri, JSON_MARKER };
