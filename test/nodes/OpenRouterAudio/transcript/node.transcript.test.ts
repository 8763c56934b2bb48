/**
 * Transcripts as data and as files, through the n8n engine against the fal emulator: the Segments output
 * (the emulator answers a Segments request with a deterministic JSON transcript), bad answers under both
 * "If the Answer Is Not JSON" choices, "Put Output in File" in every format and in the binary data modes
 * the harness runs (default = inline base64, filesystem = n8n's BinaryDataService on disk, s3 = objects in
 * a fake S3; database mode needs n8n's database and is tested end to end in test/e2e/queue.e2e.test.ts),
 * and the checks that refuse before anything is sent.
 */
import { readFileSync } from 'node:fs';
import type { IBinaryData, INodeParameters } from 'n8n-workflow';

import { SEGMENTS_INSTRUCTION, SEGMENTS_INSTRUCTION_NO_SPEAKERS } from '../../../../nodes/OpenRouterAudio/transcript/segments';
import { badSegmentsAnswer, BAD_SEGMENTS_OUTPUTS } from '../../../tools/emulator';
import { type BinaryMode, type BinaryFileSpec, runWorkflow, useS3Server, NODE_NAME, triggerThen, FIXTURES, submittedBodies, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();
const s3 = useS3Server();

const MODEL = 'google/gemini-3-flash-preview';
const PROMPT = 'Transcribe this audio verbatim.';
const URL = 'https://audio.example/meetings/standup%20call.mp3';
const segments = (params: INodeParameters = {}): INodeParameters => ({ audioUrl: URL, transcriptOutput: 'segments', ...params });
const labelled = (params: INodeParameters = {}) => segments({ speakerLabels: true, ...params });

// The emulator's transcript for the default prompt and model (test/tools/emulator/segments.js).
const SEGMENTS = [
	{ start: 0, end: 2.5, speaker: 'Speaker 1', text: `Echo from ${MODEL}.` },
	{ start: 2.5, end: 5.25, speaker: 'Speaker 2', text: PROMPT },
	{ start: 5.25, end: 62.345, speaker: 'Speaker 1', text: 'Thanks & bye <3' },
];
const TEXT = `Speaker 1: Echo from ${MODEL}.\nSpeaker 2: ${PROMPT}\nSpeaker 1: Thanks & bye <3`;
const SRT =
	`1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from ${MODEL}.\n\n` +
	`2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: ${PROMPT}\n\n` +
	'3\n00:00:05,250 --> 00:01:02,345\nSpeaker 1: Thanks & bye <3\n';
const VTT =
	'WEBVTT\n\n' +
	`00:00:00.000 --> 00:00:02.500\n<v Speaker 1>Echo from ${MODEL}.\n\n` +
	`00:00:02.500 --> 00:00:05.250\n<v Speaker 2>${PROMPT}\n\n` +
	'00:00:05.250 --> 00:01:02.345\n<v Speaker 1>Thanks &amp; bye &lt;3\n';

async function run(params: INodeParameters, options: { binaryMode?: BinaryMode; files?: BinaryFileSpec[]; items?: object[] } = {}) {
	const result = await runWorkflow({
		binaryMode: options.binaryMode ?? 'default',
		...(options.binaryMode === 's3' ? { s3: s3() } : {}),
		...triggerThen(params, options.items ?? [{}], options.files ? { binaryFiles: options.files } : {}),
	});
	return { result, item: result.items(NODE_NAME)[0], error: result.error(NODE_NAME) };
}

const jobsSubmitted = () => emulator().requestsTo('submit').length;

describe('Segments output', () => {
	test('with Speaker Labels: the instruction is appended, the answer becomes segments, text and speakers', async () => {
		const { item, error } = await run(labelled());
		expect(error).toBeUndefined();
		expect(submittedBodies(emulator())).toEqual([{ audio_url: URL, prompt: `${PROMPT}\n${SEGMENTS_INSTRUCTION}`, model: MODEL }]);
		expect(Object.keys(item.json)).toEqual(['output', 'usage', 'model', 'requestId', 'segments', 'text', 'speakers']);
		expect(item.json.segments).toEqual(SEGMENTS);
		expect(item.json.text).toBe(TEXT);
		expect(item.json.speakers).toEqual(['Speaker 1', 'Speaker 2']);
		// The raw answer stays, as paid for.
		expect(JSON.parse(String(item.json.output)).segments).toHaveLength(3);
		expect(item.binary).toBeUndefined();
	});

	test('without Speaker Labels: the instruction asks for none, and labels the model adds anyway are dropped', async () => {
		const { item } = await run(segments({ timestamps: true }));
		// Timestamps add nothing: segments carry their times.
		expect(submittedBodies(emulator())[0]).toMatchObject({ prompt: `${PROMPT}\n${SEGMENTS_INSTRUCTION_NO_SPEAKERS}` });
		expect(item.json.segments).toEqual(SEGMENTS.map(({ start, end, text }) => ({ start, end, text })));
		expect(item.json.text).toBe(`Echo from ${MODEL}. ${PROMPT} Thanks & bye <3`);
		expect(item.json.speakers).toEqual([]);
	});

	test('Output Format JSON set alongside Segments adds no second JSON instruction and no "data"', async () => {
		const { item } = await run(labelled({ options: { outputFormat: 'json' } }));
		expect(submittedBodies(emulator())[0]).toMatchObject({ prompt: `${PROMPT}\n${SEGMENTS_INSTRUCTION}` });
		expect(item.json).not.toHaveProperty('data');
		expect(item.json.segments).toEqual(SEGMENTS);
	});

	test('Segments belong to Transcribe: other tasks keep their text answer', async () => {
		const { item } = await run({ audioUrl: URL, task: 'summarize', transcriptOutput: 'segments' });
		expect(String((submittedBodies(emulator())[0] as { prompt: string }).prompt)).not.toContain('segments');
		expect(Object.keys(item.json)).toEqual(['output', 'usage', 'model', 'requestId']);
	});

	const kinds = Object.keys(BAD_SEGMENTS_OUTPUTS) as Array<keyof typeof BAD_SEGMENTS_OUTPUTS>;
	const reasons: Record<(typeof kinds)[number], RegExp> = {
		prose: /^The answer is not JSON/,
		// Cut off inside its first segment; fal's usage (no Max Tokens set) cannot say why. More in node.truncated.test.ts.
		truncated: /^The answer ends before its first complete segment, as when the model reaches its output token limit/,
		noList: /^The JSON has no "segments" list/,
		badTime: /^Segment 1 has no usable start time/,
	};

	test.each(kinds)('a %s answer fails the item by default, naming the reason with an excerpt; one job, no retry', async (kind) => {
		emulator().respondWith(badSegmentsAnswer(kind));
		const { error } = await run(labelled());
		expect(error?.message).toBe(
			kind === 'truncated'
				? "The model's answer was cut off before its first complete segment [item 0]"
				: "The model's answer could not be turned into segments [item 0]",
		);
		expect(error?.description).toMatch(reasons[kind]);
		expect(error?.description).toContain(`Answer begins: "${BAD_SEGMENTS_OUTPUTS[kind].slice(0, 40)}`);
		expect(error?.description).toContain('"Keep the Raw Text"');
		expect(error?.context.rawAnswer).toBe(BAD_SEGMENTS_OUTPUTS[kind]);
		expect(jobsSubmitted()).toBe(1);
	});

	test.each(kinds)('a %s answer with "Keep the Raw Text": segments null, segmentsError, the raw output kept', async (kind) => {
		emulator().respondWith(badSegmentsAnswer(kind));
		const { item, error } = await run(labelled({ options: { invalidJson: 'keepRaw' } }));
		expect(error).toBeUndefined();
		expect(item.json.output).toBe(BAD_SEGMENTS_OUTPUTS[kind]);
		expect(item.json.segments).toBeNull();
		expect(String(item.json.segmentsError)).toMatch(new RegExp(reasons[kind].source.replace('^T', '^t').replace('^S', '^s')));
		expect(item.json).not.toHaveProperty('text');
		expect(jobsSubmitted()).toBe(1);
	});

	test('a huge answer (5000 segments) is normalized and rendered whole', async () => {
		const many = Array.from({ length: 5000 }, (_, i) => ({ start: i * 2, end: i * 2 + 1.5, speaker: `Speaker ${(i % 3) + 1}`, text: `Line ${i}.` }));
		emulator().respondWith(() => ({ output: JSON.stringify({ segments: many }), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0 } }));
		const { item, result } = await run(labelled({ options: { putOutputInFile: 'srt' } }));
		expect(item.json.segments).toEqual(many);
		const srt = (await result.binaryBuffer(item.binary!.data)).toString('utf8');
		expect(srt.split('\n\n')).toHaveLength(5000);
		expect(srt.endsWith('5000\n02:46:38,000 --> 02:46:39,500\nSpeaker 2: Line 4999.\n')).toBe(true);
	});
});

describe('Put Output in File', () => {
	const usage = (item: { json: Record<string, unknown> }) => item.json.usage;

	const idPrefix: Record<BinaryMode, RegExp | undefined> = { default: undefined, filesystem: /^filesystem-v2:/, s3: /^s3:/ };

	test.each(['default', 'filesystem', 's3'] as const)('%s binary mode: SRT, VTT, txt, md and json with exact content, MIME type and name', async (binaryMode) => {
		const expected = {
			srt: { mimeType: 'application/x-subrip', content: () => SRT },
			vtt: { mimeType: 'text/vtt', content: () => VTT },
			txt: { mimeType: 'text/plain', content: () => `${TEXT}\n` },
			md: {
				mimeType: 'text/markdown',
				content: () =>
					'# standup call.mp3\n\n' +
					`\`0:00\` **Speaker 1:** Echo from ${MODEL}.\n\n` +
					`\`0:02\` **Speaker 2:** ${PROMPT}\n\n` +
					'`0:05` **Speaker 1:** Thanks & bye \\<3\n',
			},
			json: {
				mimeType: 'application/json',
				content: (item: { json: Record<string, unknown> }) =>
					`${JSON.stringify({ text: TEXT, segments: SEGMENTS, speakers: ['Speaker 1', 'Speaker 2'], model: MODEL, requestId: item.json.requestId, usage: usage(item) }, null, 2)}\n`,
			},
		};
		for (const [format, want] of Object.entries(expected)) {
			const { item, result, error } = await run(labelled({ options: { putOutputInFile: format } }), { binaryMode });
			expect(error).toBeUndefined();
			const file = item.binary!.data as IBinaryData;
			expect(file).toMatchObject({ fileName: `standup call.${format}`, mimeType: want.mimeType, fileExtension: format });
			if (idPrefix[binaryMode]) expect(file.id).toMatch(idPrefix[binaryMode]!);
			else expect(file.id).toBeUndefined();
			expect((await result.binaryBuffer(file)).toString('utf8')).toBe(want.content(item));
			if (binaryMode === 's3') {
				// S3's own record of the object n8n wrote: the bytes, and the MIME type and name sent with the PUT
				// (n8n's ObjectStoreService URI-encodes the name into x-amz-meta-filename).
				const stored = (await s3().objects()).find((object) => `s3:${object.key}` === file.id);
				expect(stored?.body.toString('utf8')).toBe(want.content(item));
				expect(stored?.metadata).toMatchObject({ 'content-type': want.mimeType, 'x-amz-meta-filename': `standup%20call.${format}` });
			}
			// The JSON fields stay on the item.
			expect(item.json.segments).toEqual(SEGMENTS);
		}
	});

	test.each(['filesystem', 's3'] as const)('%s binary mode: named after the input binary file; Keep Binary Data keeps the audio beside it under its own name', async (binaryMode) => {
		const path = `${FIXTURES}/speech.mp3`;
		const { item, result } = await run(
			labelled({ audioSource: 'binary', binaryPropertyName: 'audio', options: { putOutputInFile: 'srt', keepBinary: true, outputBinaryPropertyName: 'subtitles' } }),
			{ binaryMode, files: [{ path, property: 'audio', fileName: 'folder/meeting.mp3' }] },
		);
		expect(item.binary!.subtitles.id).toMatch(idPrefix[binaryMode]!);
		expect(Object.keys(item.binary!)).toEqual(['audio', 'subtitles']);
		expect(item.binary!.subtitles).toMatchObject({ fileName: 'meeting.srt', mimeType: 'application/x-subrip' });
		expect((await result.binaryBuffer(item.binary!.subtitles)).toString('utf8')).toBe(SRT);
		expect(await result.binaryBuffer(item.binary!.audio)).toEqual(readFileSync(path));
	});

	test('without Keep Binary Data the output file replaces the input binary; a data: URI gives transcript.<ext>', async () => {
		const dataUri = `data:audio/wav;base64,${readFileSync(`${FIXTURES}/speech.wav`).toString('base64')}`;
		const { item } = await run(labelled({ audioUrl: dataUri, options: { putOutputInFile: 'vtt' } }));
		expect(Object.keys(item.binary!)).toEqual(['data']);
		expect(item.binary!.data.fileName).toBe('transcript.vtt');
	});

	test('the Text output makes txt, md and json from the answer as written', async () => {
		const answer = `Echo from ${MODEL}: ${PROMPT}`;
		const files: Record<string, string> = {};
		for (const format of ['txt', 'md'] as const) {
			const { item, result } = await run({ audioUrl: 'https://audio.example/', options: { putOutputInFile: format } });
			files[format] = (await result.binaryBuffer(item.binary!.data)).toString('utf8');
			expect(item.binary!.data.fileName).toBe(`transcript.${format}`);
			expect(Object.keys(item.json)).toEqual(['output', 'usage', 'model', 'requestId']);
		}
		expect(files).toEqual({ txt: `${answer}\n`, md: `# Transcript\n\n${answer}\n` });
	});

	test('a kept raw answer that has no segments gets no SRT file, and the item says why', async () => {
		emulator().respondWith(badSegmentsAnswer('prose'));
		const { item } = await run(labelled({ options: { invalidJson: 'keepRaw', putOutputInFile: 'srt' } }));
		expect(item.binary).toBeUndefined();
		expect(item.json.segments).toBeNull();
		expect(item.json.segmentsError).toMatch(/^the answer is not JSON/);
	});

	test.each(['srt', 'vtt'])('%s without the Segments output fails before anything is sent', async (format) => {
		const { error } = await run({ audioUrl: URL, options: { putOutputInFile: format } });
		expect(error?.message).toBe(`${format.toUpperCase()} files need the Segments output ("Put Output in File" option) [item 0]`);
		expect(error?.description).toMatch(/Set "Output" to "Segments"/);
		expect(emulator().requests).toEqual([]);
	});

	test('SRT with another task names the Transcribe task in the fix', async () => {
		const { error } = await run({ audioUrl: URL, task: 'summarize', options: { putOutputInFile: 'srt' } });
		expect(error?.description).toMatch(/The Segments output belongs to the Transcribe task\.$/);
		expect(emulator().requests).toEqual([]);
	});

	test('Keep Binary Data with the output file going to the input audio\'s property fails before anything is sent', async () => {
		const { error } = await run(labelled({ audioSource: 'binary', options: { putOutputInFile: 'srt', keepBinary: true } }), {
			files: [{ path: `${FIXTURES}/speech.mp3` }],
		});
		expect(error?.message).toBe('The output file would replace the input\'s binary property "data" [item 0]');
		expect(error?.description).toMatch(/Give the output file another binary property name, or turn "Keep Binary Data" off/);
		expect(emulator().requests).toEqual([]);
		expect(emulator().uploads.size).toBe(0);
	});

	test('a bad item among good ones fails alone with Continue On Fail, before its job is sent', async () => {
		const result = await runWorkflow({
			...triggerThen(
				{ audioUrl: URL, transcriptOutput: '={{ $json.segments ? "segments" : "text" }}', options: { putOutputInFile: 'srt' } },
				[{ segments: true }, { segments: false }],
				{ continueOnFail: true },
			),
		});
		const items = result.items(NODE_NAME);
		expect(items[0].binary?.data.fileName).toBe('standup call.srt');
		expect(items[1].json.error).toBe('SRT files need the Segments output ("Put Output in File" option) [item 1]');
		expect(jobsSubmitted()).toBe(1);
	});
});
