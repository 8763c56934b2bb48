import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_RETRY, type RetryPolicy } from '../transport/retry';
import { DEFAULTS } from './defaults';
import { numberOption } from './numbers';

/** The node-wide options every operation shares: how many items run at once, and how often to retry. */
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
