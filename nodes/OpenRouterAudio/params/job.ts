import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import type { InvalidJson, OutputFormat } from '../output/answer';
import type { AudioRequest } from '../transport/queue';
import type { RetryPolicy } from '../transport/retry';
import { DEFAULTS } from './defaults';
import { numberOption } from './numbers';
import { readRetryPolicy } from './options';
import { buildPrompt, type Task } from './prompt';
import { readTimeLimits } from './timeouts';

/** One job item's settings (Analyze and Submit Job), read and checked before anything is sent. */
export interface JobParams {
	audioSource: 'url' | 'binary';
	audioUrl: string;
	binaryPropertyName: string;
	/** The endpoint input without `audio_url`, which depends on the audio source. */
	request: Omit<AudioRequest, 'audio_url'>;
	outputFormat: OutputFormat;
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

	const rawPrompt = ctx.getNodeParameter('prompt', itemIndex, '');
	if (typeof rawPrompt !== 'string' || !rawPrompt.trim()) {
		failItem(ctx, itemIndex, 'The "Prompt" field is empty', 'Enter what the model should do with the audio, e.g. "Transcribe this audio verbatim."');
	}
	const prompt = buildPrompt(rawPrompt, {
		task,
		outputFormat,
		speakerLabels: task === 'transcribe' && (ctx.getNodeParameter('speakerLabels', itemIndex, false) as boolean),
		timestamps: task === 'transcribe' && (ctx.getNodeParameter('timestamps', itemIndex, false) as boolean),
		targetLanguage: task === 'translate' ? String(ctx.getNodeParameter('targetLanguage', itemIndex, '')) : undefined,
	});
	if (task === 'translate' && !prompt.includes('Target language:')) {
		failItem(ctx, itemIndex, 'The "Target Language" field is empty', 'Enter the language to translate into, e.g. "German".');
	}

	const model = String(ctx.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!model) {
		failItem(ctx, itemIndex, 'The "Model" field is empty', 'Pick a model from the list, or enter a model ID such as google/gemini-2.5-flash.');
	}

	const request: JobParams['request'] = { prompt, model };
	if (typeof options.systemPrompt === 'string' && options.systemPrompt.trim()) request.system_prompt = options.systemPrompt;
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
