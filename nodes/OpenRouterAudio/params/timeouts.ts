import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS } from './defaults';
import { numberOption } from './numbers';

/** The largest value either time limit accepts: 7 days, in seconds. */
export const MAX_LIMIT_SECONDS = 604_800;

/** An item's two time limits, in ms; 0 = no limit. */
export interface TimeLimits {
	/** "Timeout (Seconds)": upload, submit, the time the job runs (IN_PROGRESS) and the result download. */
	timeoutMs: number;
	/** "Max Queue Wait (Seconds)": the time the job waits IN_QUEUE at fal. */
	queueWaitMs: number;
}

export function readTimeLimits(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): TimeLimits {
	const limit = (value: unknown, field: string) =>
		numberOption(ctx, itemIndex, value, field, {
			min: 0,
			max: MAX_LIMIT_SECONDS,
			hint: `Use a number of seconds from 0 (no limit) to ${MAX_LIMIT_SECONDS} (7 days).`,
		});
	return {
		timeoutMs: limit(options.timeout ?? DEFAULTS.timeout, 'Timeout (Seconds)') * 1000,
		queueWaitMs: limit(options.maxQueueWait ?? DEFAULTS.maxQueueWait, 'Max Queue Wait (Seconds)') * 1000,
	};
}
