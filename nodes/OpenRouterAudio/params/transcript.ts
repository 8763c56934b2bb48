// The transcript's shape and its output file (Analyze only), read and checked before anything is sent:
// a file that cannot be produced or would replace the input audio must fail before the job is paid for.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { binaryPropertyClash, FILE_FORMATS, fileFormatProblem, type FileFormat } from '../transcript/outputFile';
import type { Task } from './prompt';

export type TranscriptOutput = 'text' | 'segments';

export interface TranscriptParams {
	/** 'segments' only for the Transcribe task. */
	output: TranscriptOutput;
	/** Speaker Labels (Transcribe): with Segments, whether segments carry a speaker. */
	speakerLabels: boolean;
	/** "Put Output in File": the format and the binary property the file goes to. */
	file?: { format: FileFormat; binaryPropertyName: string };
}

const FIELD = '"Put Output in File" option';

export function readTranscriptParams(
	ctx: IExecuteFunctions,
	itemIndex: number,
	task: Task,
	options: IDataObject,
): TranscriptParams {
	const transcribe = task === 'transcribe';
	const rawOutput = transcribe ? ctx.getNodeParameter('transcriptOutput', itemIndex, 'text') : 'text';
	if (rawOutput !== 'text' && rawOutput !== 'segments') {
		failItem(ctx, itemIndex, `The "Output" field is ${JSON.stringify(rawOutput)}`, 'Use "text" or "segments" (an expression must return one of them).');
	}
	const params: TranscriptParams = {
		output: rawOutput,
		speakerLabels: transcribe && ctx.getNodeParameter('speakerLabels', itemIndex, false) === true,
	};
	if (options.putOutputInFile === undefined) return params;

	const format = options.putOutputInFile as FileFormat;
	if (!FILE_FORMATS.includes(format)) {
		failItem(ctx, itemIndex, `The ${FIELD} is ${JSON.stringify(format)}`, `Use one of ${FILE_FORMATS.join(', ')}.`);
	}
	const problem = fileFormatProblem(format, params.output);
	if (problem) {
		const task = transcribe ? '' : ' The Segments output belongs to the Transcribe task.';
		failItem(ctx, itemIndex, `${problem.message} (${FIELD})`, `${problem.description}${task}`);
	}

	const binaryPropertyName = String(options.outputBinaryPropertyName ?? 'data').trim();
	if (!binaryPropertyName) {
		failItem(ctx, itemIndex, 'The "Output Binary Field" option is empty', 'Enter the binary property the file goes to, e.g. "data".');
	}
	if (options.keepBinary === true) {
		const kept = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		const clash = binaryPropertyClash(binaryPropertyName, kept);
		if (clash) failItem(ctx, itemIndex, clash.message, clash.description);
	}
	params.file = { format, binaryPropertyName };
	return params;
}
