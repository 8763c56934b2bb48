import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { accountLimits } from '../dispatch/accountLimits';
import { AdaptiveDispatcher } from '../dispatch/dispatcher';
import { unboundedSlots, type JobSlots } from '../dispatch/slots';
import { toNodeError } from '../errors/nodeError';
import { paidAnswerFields } from '../output/answerError';
import { readMaxConcurrentJobs } from '../params/options';
import { readApiKey } from '../transport/apiKey';
import { createFalSession } from '../transport/session';
import * as analyze from './analyze.operation';
import * as getJob from './getJob.operation';
import type { ItemRun } from './item';
import { mapAdmitted, type Admission } from './pool';
import * as submit from './submit.operation';

const operations = { analyze, submit, getJob };
export type Operation = keyof typeof operations;

/** Items at once when nothing waits on fal's queue: Get Job lookups, and Submit Job when automatic. */
const FIXED_AT_ONCE = 5;

/**
 * How items flow. Analyze waits for its jobs, so an adaptive window of job slots follows what fal reports
 * and items prepare (and upload) just ahead of it. Submit Job and Get Job only make quick requests.
 */
interface Dispatch {
	slots: JobSlots;
	admission: Admission;
	/** When the items are done: what was learned about the account is kept for the next execution. */
	finished?: () => void;
}

function dispatchFor(ctx: IExecuteFunctions, operation: Operation, apiKey: string): Dispatch {
	if (operation === 'getJob') return { slots: unboundedSlots(), admission: { limit: () => FIXED_AT_ONCE } };
	const max = readMaxConcurrentJobs(ctx);
	if (operation === 'submit') {
		const atOnce = Number.isFinite(max) ? max : FIXED_AT_ONCE;
		return { slots: unboundedSlots(), admission: { limit: () => atOnce } };
	}
	const dispatcher = new AdaptiveDispatcher(max, accountLimits.recall(apiKey));
	return {
		slots: dispatcher,
		admission: { limit: () => dispatcher.itemsAhead(), onChange: (listener) => dispatcher.onChange(listener) },
		// Under a user's bound the account may allow more than was seen: only an automatic run teaches.
		finished: () => {
			if (!Number.isFinite(max)) accountLimits.remember(apiKey, dispatcher.window.limit);
		},
	};
}

/**
 * Runs the chosen operation for every input item, one output item per input item in input order. A failed
 * item fails the node (and stops the others, unless Retry On Fail is on) unless Continue On Fail is on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const apiKey = await readApiKey(this);
	const cancelSignal = this.getExecutionCancelSignal();
	const session = createFalSession(apiKey, cancelSignal);
	const { slots, admission, finished } = dispatchFor(this, operation, apiKey);

	// With Retry On Fail, n8n runs the node again with every item. Letting the other items finish now means a
	// retry finds their jobs (job/memory.ts) and pays for none of them again; stopping them would waste them.
	const finishAll = this.getNode().retryOnFail === true && !this.continueOnFail();

	const results = await mapAdmitted(items.length, admission, async (itemIndex, stop) => {
		try {
			const run: ItemRun = { ctx: this, session, itemIndex, stop, cancelSignal, slots };
			return await operations[operation].execute(run);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, apiKey);
			if (this.continueOnFail() && !cancelSignal?.aborted) {
				// An answer that was paid for but failed the item stays with it (output/answerError.ts).
				return { json: { error: nodeError.message, ...paidAnswerFields(nodeError) }, pairedItem: { item: itemIndex } };
			}
			throw nodeError;
		}
	}, { finishAll }).finally(finished);
	return [results];
}
