import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS } from './description.options';
import { failItem } from './errors';
import type { InvalidJson, OutputFormat } from './output';
import { buildPrompt, type Task } from './prompt';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY } from './retry';
import type { AudioRequest } from './transport';

export type Operation = 'analyze' | 'submit' | 'getJob';

/** One item's settings, read and checked before anything is sent. */
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
	timeoutMs: number;
	retry: RetryPolicy;
	webhookUrl?: string;
}

// Expressions may yield numbers as strings ("0.7"); anything else that is not a finite number is rejected.
function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return NaN;
}

function numberOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
	rule: { min: number; max?: number; integer?: boolean; hint: string },
): number {
	const number = toNumber(value);
	const ok =
		Number.isFinite(number) &&
		number >= rule.min &&
		(rule.max === undefined || number <= rule.max) &&
		(!rule.integer || Number.isInteger(number));
	if (!ok) failItem(ctx, itemIndex, `The "${field}" option is ${JSON.stringify(value)}, which is not allowed`, rule.hint);
	return number;
}

export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return numberOption(ctx, 0, options.concurrency ?? DEFAULTS.concurrency, 'Concurrency', {
		min: 1,
		max: 100,
		integer: true,
		hint: 'Use a whole number from 1 (one item at a time) to 100.',
	});
}

export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): RetryPolicy {
	const maxRetries = numberOption(ctx, itemIndex, options.maxRetries ?? DEFAULTS.maxRetries, 'Max Retries', {
		min: 0,
		max: 10,
		integer: true,
		hint: 'Use a whole number from 0 (no retries) to 10.',
	});
	return { ...DEFAULT_RETRY, maxRetries };
}

export function readJobParams(ctx: IExecuteFunctions, itemIndex: number, operation: Operation): JobParams {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const task = ctx.getNodeParameter('task', itemIndex, 'transcribe') as Task;
	const outputFormat = operation === 'analyze' ? ((options.outputFormat as OutputFormat) ?? 'text') : 'text';

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
	const timeout = numberOption(ctx, itemIndex, options.timeout ?? DEFAULTS.timeout, 'Timeout (Seconds)', {
		min: 0,
		hint: 'Use a number of seconds, or 0 for no limit.',
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
		timeoutMs: timeout * 1000,
		retry: readRetryPolicy(ctx, itemIndex, options),
	};
	if (params.audioSource === 'url') params.audioUrl = ctx.getNodeParameter('audioUrl', itemIndex, '') as string;
	else params.binaryPropertyName = String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data'));

	if (operation === 'submit') {
		const webhookUrl = String(ctx.getNodeParameter('webhookUrl', itemIndex, '')).trim();
		if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
			failItem(ctx, itemIndex, `The "Webhook URL" field is not an http(s) URL: "${webhookUrl.slice(0, 100)}"`, 'Use the production URL of an n8n Webhook node, or leave the field empty.');
		}
		params.webhookUrl = webhookUrl || undefined;
	}
	return params;
}
