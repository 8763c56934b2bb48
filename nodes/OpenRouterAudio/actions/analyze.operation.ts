import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseAnswer } from '../answer/answer';
import { answerToJson, JSON_SHAPE, type OutputFormat } from '../answer/json';
import { tokenLimit } from '../answer/truncation';
import { audioExpiry, inputFileName, resolveAudio, type ResolvedAudio } from '../audio/input';
import type { Flow } from '../dispatch/plan';
import { failItem } from '../errors/itemError';
import { audioFields } from '../fields/audio';
import { readJobParams } from '../fields/job';
import { deleteRequestDataOption, missingAdminKey, readDeleteRequestData } from '../fields/falStorage';
import { modelField } from '../fields/model';
import { readNumberField } from '../fields/numbers';
import { optionsCollection, optionsOf, readKeepBinary, withBinary } from '../fields/options';
import {
	answerOptions,
	FILE_FORMATS,
	isFileFormat,
	outputField,
	readInvalidJson,
	readOutputBinaryField,
	readOutputChoice,
	readOutputFormat,
	readPutOutputInFile,
	type OutputWording,
} from '../fields/output';
import { readSpeakerLabels, readTask, taskFields, type PromptChoices } from '../fields/prompt';
import { JobLifecycle, type ItemRun } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/retryMemory';
import { addTranscriptOutput, type TranscriptSettings } from '../transcript/item';
import { binaryPropertyClash, fileFormatProblem } from '../transcript/outputFile';
import { segmentsShape } from '../transcript/segments';
import { readAdminKey, type Result } from '../transport/client';
import { deletePayloads, type PayloadDeletion } from '../transport/payloads';

// Analyze Audio: send one item's audio and prompt, wait for the job, and return its answer as text, JSON or a
// timed transcript, optionally as a file too.

// The Output field and the answer's Options are the trigger's too (fields/output.ts); Analyze words them for a
// node that asks the model for the shape, fails an item it cannot read and names the file after the input file.
const wording: OutputWording = {
	output: {
		text: 'The transcript as text in "output"',
		segments: 'Timed segments in "segments" (start and end in seconds, speaker, text), for subtitles and documents',
		field: {
			description: 'The form of the transcript: plain text, or segments with their start and end times (and speakers), for subtitles and documents',
			// Only Transcribe has segments.
			displayOptions: { show: { task: ['transcribe'] } },
		},
	},
	invalidJson: {
		error: { name: 'Fail the Item' },
		description: 'What happens when the model\'s answer cannot be read as JSON, with Output Format JSON or the Segments output of Transcribe',
	},
	jsonFormat: 'Ask the model for JSON (structured data) and put the parsed answer into "data", for the next nodes to use field by field',
	putOutputInFile:
		'Also write the answer as a file into a binary field, named after the input file (meeting.mp3 → meeting.srt), for a later storage node',
};

// Only Analyze waits for the answers, so only it learns what each job cost (money/).
const maxCost = {
	displayName: 'Max Cost per Execution (USD)',
	name: 'maxCostPerExecution',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 4 },
	default: 0,
	description:
		'The most this execution\'s fal jobs may cost together, in US dollars. 0 = no limit. The node adds up each job\'s usage.cost as fal reports it and sends no new job once what is spent, plus the jobs still running counted at the highest cost seen so far, could pass the limit; until a first cost is known, one job runs at a time. Items not sent fail with a message saying so: nothing is paid for them. fal reports a cost only after the job ran, so the total can pass the limit only by a job that costs more than every job before it (the first one too) or by a job that runs on after a cancel. Counted across Retry On Fail\'s tries. Read from the first item.',
} satisfies INodeProperties;

const properties: INodeProperties[] = [
	...audioFields,
	...taskFields,
	outputField(wording),
	modelField,
	// Of the operations only Analyze waits for the answer, so only it reads it as JSON or writes it to a file.
	optionsCollection([...answerOptions(wording), deleteRequestDataOption, maxCost]),
];

/** "Max Cost per Execution (USD)", read once per execution from the first item; 0 = no limit. */
export function readMaxCost(ctx: IExecuteFunctions): number {
	return readNumberField(ctx, 0, maxCost, optionsOf(ctx, 0)[maxCost.name], { unit: 'US dollars', meaning: { 0: 'no limit' }, also: 'For example 5 or 0.50.' });
}

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
	const output = transcribe ? readOutputChoice((name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback)) : 'text';
	if (output !== 'text' && output !== 'segments') {
		failItem(ctx, itemIndex, `The "Output" field is ${JSON.stringify(output)}`, 'Use "text" or "segments" (an expression must return one of them).');
	}
	const settings = {
		output,
		speakerLabels: readSpeakerLabels(ctx, itemIndex, task),
		invalidJson: readInvalidJson(options),
		// Segments are JSON already; a second JSON instruction would contradict the shape asked for.
		format: readOutputFormat(options, output),
	} satisfies Partial<TranscriptSettings> & { format: OutputFormat };
	const format = readPutOutputInFile(options);
	if (format === undefined) return settings;
	if (!isFileFormat(format)) {
		failItem(ctx, itemIndex, `The ${FILE_OPTION} is ${JSON.stringify(format)}`, `Use one of ${FILE_FORMATS.join(', ')}.`);
	}
	const problem = fileFormatProblem(format, output);
	if (problem) {
		const segmentsTask = transcribe ? '' : ' The Segments output belongs to the Transcribe task.';
		failItem(ctx, itemIndex, `${problem.message} (${FILE_OPTION})`, `${problem.description}${segmentsTask}`);
	}
	const binaryPropertyName = readOutputBinaryField(options);
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
	if (settings.output === 'segments') return segmentsShape(settings.speakerLabels);
	if (settings.format === 'json') return JSON_SHAPE;
	return undefined;
}

const KEPT_FOR_RETRIES = 'not deleted, because with "Retry On Fail" a later try of this node reads this answer again from fal';

/** "Delete Request Data After Answer": what became of fal's copy, on the delivered item. */
const deletionFields = (deletion: PayloadDeletion) =>
	deletion.deleted ? { requestDataDeleted: true } : { requestDataDeleted: false, requestDataNote: `fal still keeps the request data: ${deletion.reason}` };

/** Sends one item's audio and prompt, waits for the job and returns its answer. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const answerSettings = readAnswerSettings(ctx, itemIndex);
	const params = readJobParams(ctx, itemIndex, shapeOf(answerSettings));
	const { request } = params;
	const transcript: TranscriptSettings = { ...answerSettings, maxTokens: request.max_tokens, inputFileName: inputFileName(ctx, itemIndex, params) };
	// With "Keep Request Data at Fal" off fal stored nothing to delete.
	const deleteAfter = readDeleteRequestData(ctx, itemIndex, optionsOf(ctx, itemIndex)) && params.keepRequestData;
	const adminKey = deleteAfter ? ((await readAdminKey(ctx)) ?? missingAdminKey(ctx, itemIndex)) : undefined;
	const job = JobLifecycle.forJob(run, params);
	let audio: ResolvedAudio | undefined;
	const deliver = async (result: Result<unknown>) => {
		const requestId = job.requestId!;
		const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
		const json = answerToJson(ctx.getNode(), answer, {
			model: request.model,
			requestId: result.requestId || requestId,
			itemIndex,
			format: answerSettings.format,
			invalidJson: answerSettings.invalidJson,
			// Segments judge a cut-off answer by its JSON (transcript/item.ts).
			tokenLimit: transcript.output === 'segments' ? undefined : tokenLimit(answer.usage, request.max_tokens),
		});
		const item = await addTranscriptOutput(
			ctx,
			itemIndex,
			transcript,
			answer,
			withBinary(ctx, itemIndex, params.keepBinary, { json: { ...json, ...audioExpiry(audio) }, pairedItem: { item: itemIndex } }),
		);
		if (!adminKey) return item;
		// A later try of Retry On Fail reads every item's answer again, from fal's history once its result store
		// has let it go: deleting now could throw a paid answer away.
		if (ctx.getNode().retryOnFail === true) return { ...item, json: { ...item.json, ...deletionFields({ deleted: false, reason: KEPT_FOR_RETRIES }) } };
		// The answer is on the item: fal's copy goes, with the item's Max Retries. Not bound to the item's own signal,
		// so an item stopped by its time limit (whose late answer is delivered) still deletes; a failure only notes it.
		const signal = AbortSignal.timeout(run.session.waits.deletionBudgetMs);
		const deletion = await deletePayloads(run.session.forItem({ policy: params.retry, signal }), requestId, adminKey, signal);
		return { ...item, json: { ...item.json, ...deletionFields(deletion) } };
	};
	return await job.execute(async () => {
		// A retry of the node (Retry On Fail) takes over the job an earlier try gave this item.
		const memory = new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params));
		await job.start(memory, async (session, signal) => (audio = await resolveAudio(ctx, session, itemIndex, params, signal)).url, request);
		await job.waitForCompletion();
		return await deliver(await job.result());
	}, deliver);
}
