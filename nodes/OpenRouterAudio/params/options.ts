import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_RETRY, type RetryPolicy } from '../transport/retry';
import { DEFAULTS } from './defaults';
import { numberOption } from './numbers';

/**
 * "Max Concurrent Jobs", read once per execution from the first item: the most fal jobs submitted and
 * unfinished at once. Infinity when automatic (0 or empty): the dispatcher learns the account's limit.
 */
export function readMaxConcurrentJobs(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const value = options.concurrency;
	if (value === undefined || value === null || value === '') return Infinity;
	const max = numberOption(ctx, 0, value, 'Max Concurrent Jobs', {
		min: 0,
		max: 1000,
		integer: true,
		hint: 'Use 0 (automatic: as many as your fal account runs at once) or a whole number from 1 (one item after another) to 1000.',
	});
	return max === 0 ? Infinity : max;
}

/** "Upload Memory (MB)" in bytes, read once per execution from the first item. */
export function readUploadMemoryBytes(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const mb = numberOption(ctx, 0, options.uploadMemoryMb ?? DEFAULTS.uploadMemoryMb, 'Upload Memory (MB)', {
		min: 1,
		hint: 'Use a number of megabytes of at least 1.',
	});
	return Math.round(mb * 1024 * 1024);
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
