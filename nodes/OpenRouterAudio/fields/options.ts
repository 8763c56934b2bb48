import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from '../lib/text';
import { DEFAULT_RETRY, type RetryPolicy } from '../transport/attempts';
import type { AudioRequest } from '../transport/queue';
import { falStorageOptions } from './falStorage';
import { readNumberField } from './numbers';

// The Options every job operation shows (Analyze and Submit Job), each with its check. A default is written
// once, as the literal n8n's lint reads in the field, and the node reads it from there when the option is unset.

const maxConcurrentJobs = {
	displayName: 'Max Concurrent Jobs',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1000, numberPrecision: 0 },
	default: 0,
	description:
		'How many items are sent to fal at the same time. 0 (automatic) finds out how many jobs your fal account runs at once and keeps all of them busy; 1 sends one item after another. The output order always matches the input. Taken from the first item.',
} satisfies INodeProperties;

const keepBinary = {
	displayName: 'Keep Binary Data',
	name: 'keepBinary',
	type: 'boolean',
	default: false,
	description: 'Whether to pass the input item\'s binary data (such as the audio file) on to the output item, so a later node can store it',
} satisfies INodeProperties;

const maxFileSize = {
	displayName: 'Max File Size (MB)',
	name: 'maxFileSizeMb',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1024 },
	default: 100,
	description: 'Audio larger than this many megabytes fails before anything is uploaded or paid for',
} satisfies INodeProperties;

const maxQueueWait = {
	displayName: 'Max Queue Wait (Seconds)',
	name: 'maxQueueWait',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 604800, numberPrecision: 0 },
	default: 3600,
	description:
		'How many seconds a job may wait at fal for its turn before it starts (fal runs a limited number of jobs per account at once; the others wait). Past it fal drops the job without running or charging it, and the item fails, even when n8n is no longer running. Waiting does not count toward "Timeout (Seconds)". 0 = wait as long as it takes; otherwise more than 1, at most 604800 (7 days).',
} satisfies INodeProperties;

const maxRetries = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
	default: 3,
	description:
		'How many times one request to fal is tried again when fal is busy, has a temporary error or the connection drops, waiting between tries as long as fal asks. A job that fal may already have received is never sent twice, so a retry never pays twice.',
} satisfies INodeProperties;

const maxTokens = {
	displayName: 'Max Tokens',
	name: 'maxTokens',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: 4096,
	description: 'The longest answer the model may write, in tokens (a token is roughly three quarters of a word). An answer cut off at this limit is marked "truncated" on the item.',
} satisfies INodeProperties;

const reasoning = {
	displayName: 'Reasoning',
	name: 'reasoning',
	type: 'boolean',
	default: false,
	description: 'Whether the answer also contains the model\'s reasoning (how it arrived at its answer). Makes the answer longer and uses more tokens, which are billed.',
} satisfies INodeProperties;

const systemPrompt = {
	displayName: 'System Prompt',
	name: 'systemPrompt',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: 'e.g. You transcribe medical dictation. Keep drug names exactly as spoken.',
	description: 'Instructions the model follows for the whole task, apart from the prompt: for example its role, words to spell a certain way, or the style of the answer',
} satisfies INodeProperties;

const uploadMemory = {
	displayName: 'Upload Memory (MB)',
	name: 'uploadMemoryMb',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 256,
	description:
		'How many megabytes of audio files the node keeps in n8n\'s memory at once while it reads and uploads them, across all items. Lower it if n8n runs short of memory; a single larger file is still sent, on its own. Taken from the first item.',
	displayOptions: { show: { '/audioSource': ['binary'] } },
} satisfies INodeProperties;

const temperature = {
	displayName: 'Temperature',
	name: 'temperature',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
	default: 1,
	description: 'How much the wording of answers varies: lower values give more predictable, repeatable answers, higher values more varied ones. From 0 to 2.',
} satisfies INodeProperties;

const timeout = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 604800, numberPrecision: 0 },
	default: 600,
	description:
		'How many seconds one item may take: uploading its audio plus the time fal works on its job. Time the job waits at fal for its turn counts toward "Max Queue Wait (Seconds)" instead. Past it the item fails and fal is asked to stop the job. 0 = no limit; at most 604800 (7 days).',
} satisfies INodeProperties;

const jobOptions: INodeProperties[] = [
	maxConcurrentJobs,
	keepBinary,
	maxFileSize,
	maxQueueWait,
	maxRetries,
	maxTokens,
	reasoning,
	systemPrompt,
	uploadMemory,
	temperature,
	timeout,
	...falStorageOptions,
];

/** Everything under "Options", with an operation's own options, listed alphabetically as n8n lists them. */
export function optionsCollection(own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...jobOptions, ...own].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** One item's Options as set; an unset option is not there. */
export const optionsOf = (ctx: IExecuteFunctions, itemIndex: number) => ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;

/**
 * "Max Concurrent Jobs", read once per execution from the first item: the most fal jobs submitted and
 * unfinished at once. Infinity when automatic (0 or empty): the dispatcher learns the account's limit.
 */
export function readMaxConcurrentJobs(ctx: IExecuteFunctions): number {
	const value = optionsOf(ctx, 0)[maxConcurrentJobs.name];
	if (value === undefined || value === null || value === '') return Infinity;
	const max = readNumberField(ctx, 0, maxConcurrentJobs, value, {
		meaning: { 0: 'automatic: as many as your fal account runs at once' },
		also: '1 runs one item after another.',
	});
	return max === 0 ? Infinity : max;
}

/** "Upload Memory (MB)" in bytes, read once per execution from the first item. */
export function readUploadMemoryBytes(ctx: IExecuteFunctions): number {
	const mb = readNumberField(ctx, 0, uploadMemory, optionsOf(ctx, 0)[uploadMemory.name], { unit: 'megabytes' });
	return Math.round(mb * 1024 * 1024);
}

/** "Max Retries" as it is when unset: Get Job, which has no Options, retries as much. */
export const defaultRetryPolicy = (): RetryPolicy => ({ ...DEFAULT_RETRY, maxRetries: maxRetries.default });

export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const retries = readNumberField(ctx, itemIndex, maxRetries, optionsOf(ctx, itemIndex)[maxRetries.name], { meaning: { 0: 'no retries' } });
	return { ...DEFAULT_RETRY, maxRetries: retries };
}

/** "Max Queue Wait" is sent to fal as its start timeout, which must be above this. */
const MIN_QUEUE_WAIT_SECONDS = 1;

/** An item's two time limits, in ms; 0 = no limit. */
export interface TimeLimits {
	/** "Timeout (Seconds)": upload, submit, the time the job runs (IN_PROGRESS) and the result download. */
	timeoutMs: number;
	/** "Max Queue Wait (Seconds)": how long the job may wait IN_QUEUE at fal before a runner starts it (fal's start timeout). */
	queueWaitMs: number;
}

export function readTimeLimits(ctx: IExecuteFunctions, itemIndex: number): TimeLimits {
	const options = optionsOf(ctx, itemIndex);
	const limit = (field: typeof timeout | typeof maxQueueWait, also?: string) =>
		readNumberField(ctx, itemIndex, field, options[field.name], { unit: 'seconds', meaning: { 0: 'no limit', 604800: '7 days' }, also });
	// Stricter than typeOptions can say: sent as fal's start timeout, which the fal client takes only above 1 second.
	const startTimeoutRule = `fal takes a queue wait (its start timeout) of more than ${MIN_QUEUE_WAIT_SECONDS} second. Use 0 (no limit) or a number above ${MIN_QUEUE_WAIT_SECONDS}.`;
	const queueWait = limit(maxQueueWait, startTimeoutRule);
	if (queueWait > 0 && queueWait <= MIN_QUEUE_WAIT_SECONDS) {
		failItem(ctx, itemIndex, `The "${maxQueueWait.displayName}" option is ${queueWait}, which is not allowed`, startTimeoutRule);
	}
	return { timeoutMs: limit(timeout) * 1000, queueWaitMs: queueWait * 1000 };
}

/** The endpoint's optional inputs the Options set; one left unset is not sent. */
export function readModelOptions(ctx: IExecuteFunctions, itemIndex: number): Pick<AudioRequest, 'system_prompt' | 'reasoning' | 'temperature' | 'max_tokens'> {
	const options = optionsOf(ctx, itemIndex);
	const request: Pick<AudioRequest, 'system_prompt' | 'reasoning' | 'temperature' | 'max_tokens'> = {};
	const system = options[systemPrompt.name];
	if (typeof system === 'string') {
		if (system.trim()) request.system_prompt = system;
	} else if (system !== undefined && system !== null) {
		failItem(ctx, itemIndex, `The "${systemPrompt.displayName}" option is ${describeType(system)}, not text`, 'An expression must return text; for an object use e.g. {{ JSON.stringify($json.context) }}, or remove the option.');
	}
	const thinks = options[reasoning.name];
	if (thinks !== undefined) request.reasoning = thinks === true || thinks === 'true';
	if (options[temperature.name] !== undefined) {
		request.temperature = readNumberField(ctx, itemIndex, temperature, options[temperature.name], { meaning: { 0: 'most predictable', 2: 'most varied' } });
	}
	if (options[maxTokens.name] !== undefined) {
		request.max_tokens = readNumberField(ctx, itemIndex, maxTokens, options[maxTokens.name], {
			unit: 'tokens',
			also: 'Or remove the option to let the model decide.',
		});
	}
	return request;
}

/** "Max File Size (MB)" in bytes. */
export function readMaxBytes(ctx: IExecuteFunctions, itemIndex: number): number {
	const mb = readNumberField(ctx, itemIndex, maxFileSize, optionsOf(ctx, itemIndex)[maxFileSize.name], { unit: 'megabytes' });
	return Math.round(mb * 1024 * 1024);
}

/** "Keep Binary Data". */
export const readKeepBinary = (ctx: IExecuteFunctions, itemIndex: number): boolean => optionsOf(ctx, itemIndex)[keepBinary.name] === true;

/** Passes the input item's binary data on to the output item when "Keep Binary Data" is on. */
export function withBinary(ctx: IExecuteFunctions, itemIndex: number, keep: boolean, item: INodeExecutionData): INodeExecutionData {
	const binary = ctx.getInputData()[itemIndex]?.binary;
	return keep && binary ? { ...item, binary } : item;
}
