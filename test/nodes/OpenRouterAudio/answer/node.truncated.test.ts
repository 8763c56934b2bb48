/**
 * Answers cut off at the token limit, through the n8n engine against the fal emulator: the emulator answers
 * with the beginning of an answer and fal's usage says completion_tokens == max_tokens, as fal reports an
 * answer that stopped at "Max Tokens". Nothing paid is thrown away: a Segments answer keeps its complete
 * segments (and the files made from them), a Text or JSON answer is marked, and an answer that gives nothing
 * fails with the whole answer in its error (and, with Continue On Fail, on the item).
 */
import type { INodeParameters } from 'n8n-workflow';

import { runWorkflow, NODE_NAME, triggerThen, submittedBodies, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();

const MODEL = 'google/gemini-3-flash-preview';
const PROMPT = 'Transcribe this audio verbatim.';
const URL = 'https://audio.example/meetings/standup%20call.mp3';
const MAX = 120;

// The answer the model was writing, as the emulator's Segments answer (test/tools/emulator/segments.js).
const WHOLE = JSON.stringify({
	segments: [
		{ start: '00:00.000', end: '00:02.500', speaker: 'Speaker 1', text: `Echo from ${MODEL}.` },
		{ start: '00:02.500', end: '00:05.250', speaker: 'Speaker 2', text: PROMPT },
		{ start: '00:05.250', end: '01:02.345', speaker: 'Speaker 1', text: 'Thanks & bye <3' },
	],
});
/** Cut in the third segment's text. */
const CUT = WHOLE.slice(0, WHOLE.indexOf('Thanks & b') + 'Thanks & b'.length);
const KEPT = [
	{ start: 0, end: 2.5, speaker: 'Speaker 1', text: `Echo from ${MODEL}.` },
	{ start: 2.5, end: 5.25, speaker: 'Speaker 2', text: PROMPT },
];
const KEPT_TEXT = `Speaker 1: Echo from ${MODEL}.\nSpeaker 2: ${PROMPT}`;
const RAISE = 'Raise "Max Tokens" under Options (or leave it unset) and run the item again.';
const NOTE = `The answer was cut off at the Max Tokens limit of ${MAX}: only its 2 complete segments are kept. ${RAISE}`;

/** fal's answer: `output`, with usage saying the model wrote `completionTokens` (default: the request's max_tokens). */
const answering =
	(output: string, completionTokens?: number) =>
	(input: { max_tokens?: number }) => {
		const completion_tokens = completionTokens ?? input.max_tokens ?? 0;
		return { output, usage: { prompt_tokens: 300, completion_tokens, total_tokens: 300 + completion_tokens, cost: 0.00042 } };
	};
const usageAt = (completion_tokens: number) => ({ prompt_tokens: 300, completion_tokens, total_tokens: 300 + completion_tokens, cost: 0.00042 });

const segments = (options: INodeParameters = {}): INodeParameters => ({
	audioUrl: URL,
	transcriptOutput: 'segments',
	speakerLabels: true,
	options: { maxTokens: MAX, ...options },
});

async function run(params: INodeParameters, continueOnFail = false) {
	const result = await runWorkflow(triggerThen(params, [{}], { continueOnFail }));
	return { result, item: result.items(NODE_NAME)[0], error: result.error(NODE_NAME) };
}

const jobsSubmitted = () => emulator().requestsTo('submit').length;

describe('A Segments answer cut off at Max Tokens', () => {
	test('keeps its complete segments, marks the item truncated with a note, keeps the raw answer and usage', async () => {
		emulator().respondWith(answering(CUT));
		const { item, error } = await run(segments());
		expect(error).toBeUndefined();
		expect(submittedBodies(emulator())[0]).toMatchObject({ max_tokens: MAX });
		expect(Object.keys(item.json)).toEqual(['output', 'usage', 'model', 'requestId', 'segments', 'text', 'speakers', 'truncated', 'truncatedNote']);
		expect(item.json).toMatchObject({
			output: CUT,
			usage: usageAt(MAX),
			segments: KEPT,
			text: KEPT_TEXT,
			speakers: ['Speaker 1', 'Speaker 2'],
			truncated: true,
			truncatedNote: NOTE,
		});
		expect(jobsSubmitted()).toBe(1);
	});

	test('without certainty (fewer tokens than Max Tokens, or none set) the note says it ends mid-way', async () => {
		emulator().respondWith(answering(CUT, MAX - 1));
		const below = (await run(segments())).item;
		expect(below.json.segments).toEqual(KEPT);
		expect(below.json.truncatedNote).toBe(`The answer ends mid-way, as when the model reaches its output token limit: only its 2 complete segments are kept. ${RAISE}`);

		emulator().respondWith(answering(CUT, 5000));
		const unset = (await run({ audioUrl: URL, transcriptOutput: 'segments', speakerLabels: true })).item;
		expect(submittedBodies(emulator()).at(-1)).not.toHaveProperty('max_tokens');
		expect(unset.json.truncated).toBe(true);
		expect(unset.json.truncatedNote).toBe(
			'The answer ends mid-way, as when the model reaches its output token limit: only its 2 complete segments are kept. "Max Tokens" is not set under Options, so the model\'s own output limit applies: split a long recording into shorter parts.',
		);
	});

	test('the files are made from the kept segments; json and md say the answer was cut off', async () => {
		emulator().respondWith(answering(CUT));
		const files: Record<string, string> = {};
		for (const format of ['srt', 'vtt', 'txt', 'md', 'json']) {
			const { item, result } = await run(segments({ putOutputInFile: format }));
			expect(item.json.truncated).toBe(true);
			files[format] = (await result.binaryBuffer(item.binary!.data)).toString('utf8');
			if (format === 'json') {
				expect(JSON.parse(files.json)).toEqual({
					text: KEPT_TEXT,
					segments: KEPT,
					speakers: ['Speaker 1', 'Speaker 2'],
					model: MODEL,
					requestId: item.json.requestId,
					usage: usageAt(MAX),
					truncated: true,
					truncatedNote: NOTE,
				});
			}
		}
		expect(files.srt).toBe(`1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from ${MODEL}.\n\n2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: ${PROMPT}\n`);
		expect(files.vtt).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Speaker 1>Echo from ${MODEL}.\n\n00:00:02.500 --> 00:00:05.250\n<v Speaker 2>${PROMPT}\n`);
		expect(files.txt).toBe(`${KEPT_TEXT}\n`);
		expect(files.md).toBe(
			`# standup call.mp3\n\n> **Truncated:** ${NOTE}\n\n` + `\`0:00\` **Speaker 1:** Echo from ${MODEL}.\n\n` + `\`0:02\` **Speaker 2:** ${PROMPT}\n`,
		);
	});

	test('a complete answer at exactly Max Tokens is not marked (no false alarm)', async () => {
		emulator().respondWith(answering(WHOLE));
		const { item } = await run(segments({ putOutputInFile: 'json' }));
		expect(Object.keys(item.json)).toEqual(['output', 'usage', 'model', 'requestId', 'segments', 'text', 'speakers']);
		expect(item.json.segments).toHaveLength(3);
	});

	describe('cut off before its first complete segment', () => {
		const FIRST = WHOLE.slice(0, WHOLE.indexOf(`Echo from`) + 4);

		test('fails the item: cut off, raise Max Tokens, paid for, the whole answer in the error', async () => {
			emulator().respondWith(answering(FIRST));
			const { error } = await run(segments());
			expect(error?.message).toBe("The model's answer was cut off before its first complete segment [item 0]");
			expect(error?.description).toMatch(
				new RegExp(
					`^The answer was cut off at the Max Tokens limit of ${MAX} before its first complete segment\\. Answer begins: "\\{"segments":\\[\\{"start":"00:00\\.000",.*"text":"Echo"\\. ` +
						`Request [0-9a-f-]+ was paid for\\. The whole answer is in the error's "rawAnswer" \\(with Continue On Fail, on the output item\\)\\. ` +
						'Raise "Max Tokens" under Options \\(or leave it unset\\) and run the item again\\. Or set "If the Answer Is Not JSON" to "Keep the Raw Text" to keep such answers\\.',
				),
			);
			// What became of the job: completed and billed.
			expect(error?.description).toMatch(/fal job [0-9a-f-]+ completed \(it is billed\)/);
			expect(error?.context).toMatchObject({ rawAnswer: FIRST, usage: usageAt(MAX), jobCompleted: true });
			expect(jobsSubmitted()).toBe(1);
		});

		test('with Continue On Fail the item holds the error, the whole answer, its usage and request ID', async () => {
			emulator().respondWith(answering(FIRST));
			const { item, error } = await run(segments(), true);
			expect(error).toBeUndefined();
			expect(item.json).toEqual({
				error: "The model's answer was cut off before its first complete segment [item 0]",
				rawAnswer: FIRST,
				usage: usageAt(MAX),
				requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
			});
		});

		test('with "Keep the Raw Text": segments null, segmentsError and the note say it was cut off', async () => {
			emulator().respondWith(answering(FIRST));
			const { item } = await run(segments({ invalidJson: 'keepRaw', putOutputInFile: 'srt' }));
			expect(item.json).toMatchObject({ output: FIRST, usage: usageAt(MAX), segments: null, truncated: true });
			expect(item.json.segmentsError).toBe(
				`the answer was cut off at the Max Tokens limit of ${MAX} before its first complete segment. Answer begins: "${FIRST}"`,
			);
			expect(item.json.truncatedNote).toBe(`The answer was cut off at the Max Tokens limit of ${MAX} before its first complete segment: no segments are kept. ${RAISE}`);
			expect(item.binary).toBeUndefined();
		});
	});

	test('an answer that is not JSON at all, at Max Tokens, fails saying it was cut off', async () => {
		emulator().respondWith(answering('Sure! Here is the transcript of the stand-up call, in which'));
		const { error } = await run(segments());
		expect(error?.message).toBe("The model's answer was cut off and could not be turned into segments [item 0]");
		expect(error?.description).toMatch(new RegExp(`^The answer was cut off at the Max Tokens limit of ${MAX}, and it is not JSON \\(`));
	});
});

describe('A Text or JSON answer cut off at Max Tokens', () => {
	const text = (options: INodeParameters = {}): INodeParameters => ({ audioUrl: URL, task: 'summarize', options: { maxTokens: MAX, ...options } });
	const TEXT_NOTE = `The answer was cut off at the Max Tokens limit of ${MAX}: it is incomplete. ${RAISE}`;

	test('Text: the item is marked truncated; below the limit it is not', async () => {
		emulator().respondWith(answering('The team discussed the release and'));
		const { item, result } = await run(text({ putOutputInFile: 'md' }));
		expect((await result.binaryBuffer(item.binary!.data)).toString('utf8')).toBe(
			`# standup call.mp3\n\n> **Truncated:** ${TEXT_NOTE}\n\nThe team discussed the release and\n`,
		);
		expect(item.json).toEqual({
			output: 'The team discussed the release and',
			usage: usageAt(MAX),
			model: MODEL,
			requestId: item.json.requestId,
			truncated: true,
			truncatedNote: TEXT_NOTE,
		});

		emulator().respondWith(answering('The team discussed the release.', MAX - 1));
		expect((await run(text())).item.json).not.toHaveProperty('truncated');
	});

	test('JSON: the error says the answer was cut off at Max Tokens; Continue On Fail keeps the answer', async () => {
		const output = '{"decisions": ["ship on Friday", "move the';
		emulator().respondWith(answering(output));
		const { error } = await run(text({ outputFormat: 'json' }));
		expect(error?.message).toBe(`The model's answer was cut off at the Max Tokens limit of ${MAX}, so it is not valid JSON [item 0]`);
		expect(error?.description).toContain(RAISE);

		const kept = await run(text({ outputFormat: 'json' }), true);
		expect(kept.item.json).toMatchObject({ error: error?.message, rawAnswer: output, usage: usageAt(MAX) });
	});

	test('JSON kept raw: data null, jsonError says it was cut off, the item is marked', async () => {
		emulator().respondWith(answering('[1, 2, 3'));
		const { item } = await run(text({ outputFormat: 'json', invalidJson: 'keepRaw' }));
		expect(item.json).toMatchObject({ data: null, truncated: true, truncatedNote: TEXT_NOTE });
		expect(item.json.jsonError).toMatch(new RegExp(`^the answer was cut off at the Max Tokens limit of ${MAX} \\(`));
	});

	test('JSON that parses at exactly Max Tokens is whole: not marked', async () => {
		emulator().respondWith(answering('{"decisions": []}'));
		const { item } = await run(text({ outputFormat: 'json' }));
		expect(item.json).toMatchObject({ data: { decisions: [] } });
		expect(item.json).not.toHaveProperty('truncated');
	});
});
