/**
 * The emulator's Segments answers, through the real @fal-ai/client: a request whose prompt carries the
 * Segments instruction gets a deterministic JSON transcript the product turns into exact subtitles, and
 * the emulator can be told to answer in ways that cannot become segments.
 */
import { createFalClient, type FalClient } from '@fal-ai/client';

import { normalizeSegments, SEGMENTS_INSTRUCTION } from '../../../nodes/OpenRouterAudio/transcript/segments';
import { toSrt, toVtt } from '../../../nodes/OpenRouterAudio/transcript/subtitles';
import { routeFetchToEmulator } from './route';
import { BAD_SEGMENTS_OUTPUTS, badSegmentsAnswer, isSegmentsRequest } from './segments';
import { startFalEmulator } from './server';
import { defaultAnswer } from './validate';

const MODEL = 'google/gemini-2.5-flash';
const segmentsInput = (prompt = 'Transcribe this audio verbatim.') => ({
	audio_url: 'https://example.com/meeting.mp3',
	prompt: `${prompt}\n${SEGMENTS_INSTRUCTION}`,
	model: MODEL,
});

let emu: Awaited<ReturnType<typeof startFalEmulator>>;
let restore: () => void;
let fal: FalClient;

beforeAll(async () => {
	emu = await startFalEmulator();
	restore = routeFetchToEmulator(emu.url);
	fal = createFalClient({ credentials: 'test-key' });
});
afterAll(async () => {
	restore();
	await emu.close();
});
afterEach(() => {
	emu.respondWith(undefined);
	emu.reset();
});

const run = async (input: ReturnType<typeof segmentsInput>) =>
	(await fal.subscribe('openrouter/router/audio', { input })).data as { output: string; usage: Record<string, number> };

test('a Segments request gets a JSON transcript that becomes exact SRT and VTT', async () => {
	const { output } = await run(segmentsInput('Transcribe the meeting.'));
	const result = normalizeSegments(output);
	if (!result.ok) throw new Error(result.reason);
	expect(result.transcript.speakers).toEqual(['Speaker 1', 'Speaker 2']);
	expect(result.transcript.text).toBe(
		`Speaker 1: Echo from ${MODEL}.\nSpeaker 2: Transcribe the meeting.\nSpeaker 1: Thanks & bye <3`,
	);
	expect(toSrt(result.transcript.segments)).toBe(
		'1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from google/gemini-2.5-flash.\n\n' +
			'2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: Transcribe the meeting.\n\n' +
			'3\n00:00:05,250 --> 00:01:02,345\nSpeaker 1: Thanks & bye <3\n',
	);
	expect(toVtt(result.transcript.segments)).toContain('00:00:05.250 --> 00:01:02.345\n<v Speaker 1>Thanks &amp; bye &lt;3\n');
});

test('the answer is deterministic and the usage follows the documented formula', async () => {
	const input = segmentsInput();
	const first = await run(input);
	const second = await run(input);
	expect(second).toEqual(first);
	expect(first).toEqual(defaultAnswer(input));
	const promptTokens = 100 + input.prompt.length;
	expect(first.usage).toMatchObject({
		prompt_tokens: promptTokens,
		completion_tokens: first.output.length,
		total_tokens: promptTokens + first.output.length,
	});
});

test('without the instruction the answer stays the plain echo', async () => {
	const input = { ...segmentsInput(), prompt: 'Transcribe this audio verbatim.' };
	expect(isSegmentsRequest(input.prompt)).toBe(false);
	expect((await run(input)).output).toBe(`Echo from ${MODEL}: Transcribe this audio verbatim.`);
});

test.each(Object.keys(BAD_SEGMENTS_OUTPUTS) as Array<keyof typeof BAD_SEGMENTS_OUTPUTS>)(
	'respondWith(badSegmentsAnswer(%p)) gives an answer that cannot become segments',
	async (kind) => {
		emu.respondWith(badSegmentsAnswer(kind));
		const input = segmentsInput();
		const answer = await run(input);
		expect(answer.output).toBe(BAD_SEGMENTS_OUTPUTS[kind]);
		expect(answer.usage.completion_tokens).toBe(BAD_SEGMENTS_OUTPUTS[kind].length);
		const result = normalizeSegments(answer.output);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.excerpt).toBe(BAD_SEGMENTS_OUTPUTS[kind].slice(0, 200));
		// One job per request, finished: the bad answer was paid for like any other.
		expect([...emu.jobs.values()].map((job) => job.status)).toEqual(['COMPLETED']);
	},
);
