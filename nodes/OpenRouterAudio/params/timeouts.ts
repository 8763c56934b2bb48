import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { DEFAULTS } from './defaults';
import { numberOption } from './numbers';

/** The largest value either time limit accepts: 7 days, in seconds. */
export const MAX_LIMIT_SECONDS = 604_800;

/** "Max Queue Wait" is sent to fal as its start timeout, which must be above this. */
const MIN_QUEUE_WAIT_SECONDS = 1;

/** An item's two time limits, in ms; 0 = no limit. */
export interface TimeLimits {
	/** "Timeout (Seconds)": upload, submit, the time the job runs (IN_PROGRESS) and the result download. */
	timeoutMs: number;
	/** "Max Queue Wait (Seconds)": how long the job may wait IN_QUEUE at fal before a runner starts it (fal's start timeout). */
	queueWaitMs: number;
}

export function readTimeLimits(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): TimeLimits {
	const limit = (value: unknown, field: string) =>
		numberOption(ctx, itemIndex, value, field, {
			min: 0,
			max: MAX_LIMIT_SECONDS,
			hint: `Use a number of seconds from 0 (no limit) to ${MAX_LIMIT_SECONDS} (7 days).`,
		});
	const queueWait = limit(options.maxQueueWait ?? DEFAULTS.maxQueueWait, 'Max Queue Wait (Seconds)');
	// Sent as fal's start timeout, which the fal client takes only above 1 second.
	if (queueWait > 0 && queueWait <= MIN_QUEUE_WAIT_SECONDS) {
		failItem(
			ctx,
			itemIndex,
			`The "Max Queue Wait (Seconds)" option is ${queueWait}, which is not allowed`,
			`fal takes a queue wait (its start timeout) of more than ${MIN_QUEUE_WAIT_SECONDS} second. Use 0 (no limit) or a number above ${MIN_QUEUE_WAIT_SECONDS}.`,
		);
	}
	return {
		timeoutMs: limit(options.timeout ?? DEFAULTS.timeout, 'Timeout (Seconds)') * 1000,
		queueWaitMs: queueWait * 1000,
	};
}
