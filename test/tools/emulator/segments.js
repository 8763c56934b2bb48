// @ts-check
'use strict';
/**
 * The emulator's answer to a Segments request: a deterministic JSON transcript, so tests can assert
 * the exact SRT/VTT the node writes. And answers a model plausibly gives when it ignores the shape,
 * for `emulator.respondWith(...)`.
 *
 * A request asks for segments when its prompt contains SEGMENTS_MARKER. The phrase is duplicated from
 * nodes/OpenRouterAudio/transcript/segments.ts instead of imported: the emulator stands for fal and the
 * model, runs as plain JS in a real n8n process (preload.js) without the product's TypeScript, and must
 * not change when the product does. A unit test checks both copies are equal.
 */

const SEGMENTS_MARKER = 'Answer with JSON only, in this shape: {"segments":';

/** @param {unknown} prompt */
const isSegmentsRequest = (prompt) => typeof prompt === 'string' && prompt.includes(SEGMENTS_MARKER);

/**
 * Three segments, two speakers, times as "mm:ss.mmm". The user's part of the prompt (before the
 * instruction) is spoken by Speaker 2, so an answer shows which prompt it belongs to. The last text
 * carries characters that subtitles must escape.
 *   00:00.000 -> 00:02.500  Speaker 1  "Echo from <model>."
 *   00:02.500 -> 00:05.250  Speaker 2  "<the user's prompt, first line, at most 80 characters>"
 *   00:05.250 -> 01:02.345  Speaker 1  "Thanks & bye <3"
 * @param {{ prompt: string, model: string }} input
 * @returns {string} the model's answer text (the `output` field)
 */
function segmentsOutput(input) {
	const userPrompt = input.prompt.slice(0, input.prompt.indexOf(SEGMENTS_MARKER)).trim();
	const said = (userPrompt.split('\n')[0] || 'Transcribe this audio.').slice(0, 80);
	return JSON.stringify({
		segments: [
			{ start: '00:00.000', end: '00:02.500', speaker: 'Speaker 1', text: `Echo from ${input.model}.` },
			{ start: '00:02.500', end: '00:05.250', speaker: 'Speaker 2', text: said },
			{ start: '00:05.250', end: '01:02.345', speaker: 'Speaker 1', text: 'Thanks & bye <3' },
		],
	});
}

/** Answers that cannot become segments, as models give them. */
const BAD_SEGMENTS_OUTPUTS = {
	prose: 'Sure! The speaker says hello and then talks about the weather for a minute.',
	truncated: '{"segments":[{"start":"00:00.000","end":"00:02.500","speaker":"Speaker 1","text":"Hel',
	noList: '{"transcript":"Hello there, this is the whole transcript."}',
	badTime: '{"segments":[{"start":"at the beginning","end":"00:02.500","text":"Hello."}]}',
};

/**
 * A respondWith function whose answers have the endpoint's shape and the default usage formula, but a
 * model answer that is not usable as segments.
 * @param {keyof typeof BAD_SEGMENTS_OUTPUTS} kind
 * @returns {(input: { prompt: string, model: string }) => { output: string, usage: { prompt_tokens: number, completion_tokens: number, total_tokens: number, cost: number } }}
 */
function badSegmentsAnswer(kind) {
	const output = BAD_SEGMENTS_OUTPUTS[kind];
	return (input) => answerWithUsage(input.prompt, output);
}

/**
 * The endpoint's result for an answer text, with the emulator's documented usage formula (validate.js).
 * @param {string} prompt
 * @param {string} output
 */
function answerWithUsage(prompt, output) {
	const prompt_tokens = 100 + prompt.length;
	const completion_tokens = output.length;
	const total_tokens = prompt_tokens + completion_tokens;
	const cost = Math.round(total_tokens * 0.01) / 10000;
	return { output, usage: { prompt_tokens, completion_tokens, total_tokens, cost } };
}

module.exports = { SEGMENTS_MARKER, isSegmentsRequest, segmentsOutput, badSegmentsAnswer, BAD_SEGMENTS_OUTPUTS, answerWithUsage };
