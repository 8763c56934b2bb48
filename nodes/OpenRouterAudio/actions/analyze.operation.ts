import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseAnswer } from '../answer/answer';
import { answerToJson, JSON_INSTRUCTION, type InvalidJson, type OutputFormat } from '../answer/json';
import { tokenLimit } from '../answer/truncation';
import { inputFileName, resolveAudioUrl } from '../audio/input';
import type { Flow } from '../dispatch/plan';
import { failItem } from '../errors/itemError';
import { scrubKey } from '../errors/redact';
import { audioFields } from '../fields/audio';
import { readJobParams } from '../fields/job';
import { modelField } from '../fields/model';
import { optionsCollection, optionsOf, readKeepBinary, withBinary } from '../fields/options';
import { readSpeakerLabels, readTask, taskFields, type PromptChoices } from '../fields/prompt';
import { JobLifecycle, type ItemRun } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/retryMemory';
import { addTranscriptOutput, type TranscriptSettings } from '../transcript/item';
import { binaryPropertyClash, FILE_FORMATS, fileFormatProblem, type FileFormat } from '../transcript/outputFile';
import { segmentsInstruction } from '../transcript/segments';
import type { Result } from '../transport/client';

// Analyze Audio: send one item's audio and prompt, wait for the job, and return its answer as text, JSON or a
// timed transcript, optionally as a file too.

const transcriptOutput: INodeProperties = {
	displayName: 'Output',
	name: 'transcriptOutput',
	type: 'options',
	options: [
		{ name: 'Text', value: 'text', description: 'The transcript as text in "output"' },
		{
			name: 'Segments',
			value: 'segments',
			description: 'Timed segments in "segments" (start and end in seconds, speaker, text), for subtitles and documents',
		},
	],
	default: 'text',
	displayOptions: { show: { task: ['transcribe'] } },
};

// Only Analyze waits for the answer, so only it can read the answer as JSON or write it to a file.
const answerOptions: INodeProperties[] = [
	{
		displayName: 'If the Answer Is Not JSON',
		name: 'invalidJson',
		type: 'options',
		options: [
			{ name: 'Fail the Item', value: 'error' },
			{
				name: 'Keep the Raw Text',
				value: 'keepRaw',
				description: 'Set "data" (or "segments") to null and add "jsonError" (or "segmentsError")',
			},
		],
		default: 'error',
		description: 'For Output Format JSON and for the Segments output of Transcribe: what happens to an answer that cannot be read',
	},
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
			{
				name: 'JSON',
				value: 'json',
				description: 'Ask the model for JSON and parse the answer into "data"',
			},
		],
		default: 'text',
		// Segments are JSON already.
		displayOptions: { hide: { '/transcriptOutput': ['segments'] } },
	},
	{
		displayName: 'Put Output in File',
		name: 'putOutputInFile',
		type: 'options',
		options: [
			{ name: 'JSON (.json)', value: 'json', description: 'The transcript or answer with model, request ID and usage' },
			{ name: 'Markdown (.md)', value: 'md' },
			{ name: 'SubRip Subtitles (.srt)', value: 'srt', description: 'Needs the Segments output' },
			{ name: 'Text (.txt)', value: 'txt' },
			{ name: 'WebVTT Subtitles (.vtt)', value: 'vtt', description: 'Needs the Segments output' },
		],
		default: 'txt',
		description:
			'Also write the answer as a file into a binary field, named after the input file (meeting.mp3 → meeting.srt), for a later storage node',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { putOutputInFile: ['txt', 'md', 'json', 'srt', 'vtt'] } },
	},
];

const properties: INodeProperties[] = [...audioFields, ...taskFields, transcriptOutput, modelField, optionsCollection(answerOptions)];

/** How its items use fal (dispatch/plan.ts). */
export const flow: Flow = 'waits';

export const description = updateDisplayOptions({ show: { operation: ['analyze'] } }, properties);

const FILE_OPTION = '"Put Output in File" option';

/**
 * The answer's shape and its output file, read and checked before anything is sent: a file that cannot be
 * produced or would replace the input audio must fail before the job is paid for.
 */
function readAnswerSettings(ctx: IExecuteFunctions, itemIndex: number): Omit<TranscriptSettings, 'maxTokens' | 'inputFileName'> & { format: OutputFormat } {
	const options = optionsOf(ctx, itemIndex);
	const task = readTask(ctx, itemIndex);
	const transcribe = task === 'transcribe';
	const output = transcribe ? ctx.getNodeParameter('transcriptOutput', itemIndex, 'text') : 'text';
	if (output !== 'text' && output !== 'segments') {
		failItem(ctx, itemIndex, `The "Output" field is ${JSON.stringify(output)}`, 'Use "text" or "segments" (an expression must return one of them).');
	}
	const settings = {
		output,
		speakerLabels: readSpeakerLabels(ctx, itemIndex, task),
		invalidJson: (options.invalidJson as InvalidJson | undefined) ?? 'error',
		// Segments are JSON already; a second JSON instruction would contradict the shape asked for.
		format: output === 'segments' ? 'text' : ((options.outputFormat as OutputFormat | undefined) ?? 'text'),
	} satisfies Partial<TranscriptSettings> & { format: OutputFormat };
	if (options.putOutputInFile === undefined) return settings;

	const format = options.putOutputInFile as FileFormat;
	if (!FILE_FORMATS.includes(format)) {
		failItem(ctx, itemIndex, `The ${FILE_OPTION} is ${JSON.stringify(format)}`, `Use one of ${FILE_FORMATS.join(', ')}.`);
	}
	const problem = fileFormatProblem(format, output);
	if (problem) {
		const segmentsTask = transcribe ? '' : ' The Segments output belongs to the Transcribe task.';
		failItem(ctx, itemIndex, `${problem.message} (${FILE_OPTION})`, `${problem.description}${segmentsTask}`);
	}
	const binaryPropertyName = String(options.outputBinaryPropertyName ?? 'data').trim();
	if (!binaryPropertyName) {
		failItem(ctx, itemIndex, 'The "Output Binary Field" option is empty', 'Enter the binary property the file goes to, e.g. "data".');
	}
	if (readKeepBinary(ctx, itemIndex)) {
		const clash = binaryPropertyClash(binaryPropertyName, Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {}));
		if (clash) failItem(ctx, itemIndex, clash.message, clash.description);
	}
	return { ...settings, file: { format, binaryPropertyName } };
}

/** What the prompt adds to ask for the answer's shape: segments, JSON, or nothing for text. */
function shapeOf(settings: { output: 'text' | 'segments'; speakerLabels: boolean; format: OutputFormat }): PromptChoices['shape'] {
	if (settings.output === 'segments') return { instruction: segmentsInstruction(settings.speakerLabels), replacesTranscriptLines: true };
	if (settings.format === 'json') return { instruction: JSON_INSTRUCTION, replacesTranscriptLines: false };
	return undefined;
}

/** Sends one item's audio and prompt, waits for the job and returns its answer. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const answerSettings = readAnswerSettings(ctx, itemIndex);
	const params = readJobParams(ctx, itemIndex, shapeOf(answerSettings));
	const { request } = params;
	const transcript: TranscriptSettings = { ...answerSettings, maxTokens: request.max_tokens, inputFileName: inputFileName(ctx, itemIndex, params) };
	const job = new JobLifecycle(run, params, params.retry);
	const deliver = async (result: Result<unknown>) => {
		const requestId = job.requestId!;
		// The answer is fal's text: should it echo the key, the key still never reaches an output item, its
		// segments, a file or an error made from it.
		const answer = scrubKey(parseAnswer(ctx.getNode(), result.data, itemIndex, requestId), job.session.apiKey);
		const json = answerToJson(ctx.getNode(), answer, {
			model: request.model,
			requestId: result.requestId || requestId,
			itemIndex,
			format: answerSettings.format,
			invalidJson: answerSettings.invalidJson,
			// Segments judge a cut-off answer by its JSON (transcript/item.ts).
			tokenLimit: transcript.output === 'segments' ? undefined : tokenLimit(answer.usage, request.max_tokens),
		});
		return await addTranscriptOutput(ctx, itemIndex, transcript, answer, withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } }));
	};
	return await job.execute(async () => {
		// A retry of the node (Retry On Fail) takes over the job an earlier try gave this item.
		const memory = new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params));
		await job.start(memory, async (session, signal) => await resolveAudioUrl(ctx, session, itemIndex, params, signal), request);
		await job.waitForCompletion();
		return await deliver(await job.result());
	}, deliver);
}
