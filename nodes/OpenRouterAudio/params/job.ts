import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import type { InvalidJson, OutputFormat } from '../output/answer';
import type { AudioRequest } from '../transport/queue';
import type { RetryPolicy } from '../transport/retry';
import { DEFAULTS } from './defaults';
import { readModel } from './model';
import { numberOption } from './numbers';
import { readRetryPolicy } from './options';
import { buildPrompt, type Task } from './prompt';
import { describeType } from './text';
import { readTranscriptParams, type TranscriptParams } from './transcript';
import { readTimeLimits } from './timeouts';

/** One job item's settings (Analyze and Submit Job), read and checked before anything is sent. */
export interface JobParams {
	audioSource: 'url' | 'binary';
	audioUrl: string;
	binaryPropertyName: string;
	/** The endpoint input without `audio_url`, which depends on the audio source. */
	request: Omit<AudioRequest, 'audio_url'>;
	outputFormat: OutputFormat;
	transcript: TranscriptParams;
	invalidJson: InvalidJson;
	keepBinary: boolean;
	maxBytes: number;
	/** "Timeout (Seconds)" and "Max Queue Wait (Seconds)", in ms (params/timeouts.ts). */
	timeoutMs: number;
	queueWaitMs: number;
	retry: RetryPolicy;
}

/** `outputFormat` is the operation's: only Analyze offers JSON answers. */
export function readJobParams(ctx: IExecuteFunctions, itemIndex: number, outputFormat: OutputFormat): JobParams {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const task = ctx.getNodeParameter('task', itemIndex, 'transcribe') as Task;
	const transcript = readTranscriptParams(ctx, itemIndex, task, options);
	// Segments are JSON already; a second JSON instruction would contradict the shape asked for.
	if (transcript.output === 'segments') outputFormat = 'text';

	const rawPrompt = ctx.getNodeParameter('prompt', itemIndex, '');
	const promptHint = 'Enter what the model should do with the audio, e.g. "Transcribe this audio verbatim."';
	if (typeof rawPrompt !== 'string' && rawPrompt !== undefined && rawPrompt !== null) {
		failItem(ctx, itemIndex, `The "Prompt" field is ${describeType(rawPrompt)}, not text`, `${promptHint} An expression must return text; for an object use e.g. {{ JSON.stringify($json.question) }}.`);
	}
	if (typeof rawPrompt !== 'string' || !rawPrompt.trim()) failItem(ctx, itemIndex, 'The "Prompt" field is empty', promptHint);
	const prompt = buildPrompt(rawPrompt, {
		task,
		outputFormat,
		transcriptOutput: transcript.output,
		speakerLabels: task === 'transcribe' && (ctx.getNodeParameter('speakerLabels', itemIndex, false) as boolean),
		timestamps: task === 'transcribe' && (ctx.getNodeParameter('timestamps', itemIndex, false) as boolean),
		targetLanguage: task === 'translate' ? String(ctx.getNodeParameter('targetLanguage', itemIndex, '')) : undefined,
	});
	if (task === 'translate' && !prompt.includes('Target language:')) {
		failItem(ctx, itemIndex, 'The "Target Language" field is empty', 'Enter the language to translate into, e.g. "German".');
	}

	const model = readModel(ctx, itemIndex);

	const request: JobParams['request'] = { prompt, model };
	const systemPrompt = options.systemPrompt;
	if (typeof systemPrompt === 'string') {
		if (systemPrompt.trim()) request.system_prompt = systemPrompt;
	} else if (systemPrompt !== undefined && systemPrompt !== null) {
		failItem(ctx, itemIndex, `The "System Prompt" option is ${describeType(systemPrompt)}, not text`, 'An expression must return text; for an object use e.g. {{ JSON.stringify($json.context) }}, or remove the option.');
	}
	if (options.reasoning !== undefined) request.reasoning = options.reasoning === true || options.reasoning === 'true';
	if (options.temperature !== undefined) {
		request.temperature = numberOption(ctx, itemIndex, options.temperature, 'Temperature', {
			min: 0,
			max: 2,
			hint: 'Use a number from 0 (most predictable) to 2 (most varied).',
		});
	}
	if (options.maxTokens !== undefined) {
		request.max_tokens = numberOption(ctx, itemIndex, options.maxTokens, 'Max Tokens', {
			min: 1,
			integer: true,
			hint: 'Use a whole number of at least 1, or remove the option to let the model decide.',
		});
	}

	const maxFileSizeMb = numberOption(ctx, itemIndex, options.maxFileSizeMb ?? DEFAULTS.maxFileSizeMb, 'Max File Size (MB)', {
		min: 0.001,
		hint: 'Use a positive number of megabytes.',
	});

	const audioSource = ctx.getNodeParameter('audioSource', itemIndex, 'url');
	if (audioSource !== 'url' && audioSource !== 'binary') {
		failItem(ctx, itemIndex, `The "Audio Source" field is ${JSON.stringify(audioSource)}`, 'Use "url" or "binary" (an expression must return one of them).');
	}
	const params: JobParams = {
		audioSource,
		audioUrl: '',
		binaryPropertyName: '',
		request,
		outputFormat,
		transcript,
		invalidJson: (options.invalidJson as InvalidJson) ?? 'error',
		keepBinary: options.keepBinary === true,
		maxBytes: Math.round(maxFileSizeMb * 1024 * 1024),
		...readTimeLimits(ctx, itemIndex, options),
		retry: readRetryPolicy(ctx, itemIndex, options),
	};
	if (params.audioSource === 'url') params.audioUrl = ctx.getNodeParameter('audioUrl', itemIndex, '') as string;
	else params.binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'));

	return params;
}
