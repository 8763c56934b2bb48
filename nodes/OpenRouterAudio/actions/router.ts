import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { unboundedSlots } from '../dispatch/slots';
import { toNodeError } from '../errors/nodeError';
import { DEFAULTS } from '../params/defaults';
import { readConcurrency } from '../params/options';
import { createFalSession } from '../transport/session';
import * as analyze from './analyze.operation';
import * as getJob from './getJob.operation';
import type { ItemRun } from './item';
import { mapConcurrent } from './pool';
import * as submit from './submit.operation';

const operations = { analyze, submit, getJob };
export type Operation = keyof typeof operations;

/**
 * Runs the chosen operation for every input item, at most "Concurrency" at once, one output item per input
 * item in input order. A failed item fails the node (and stops the others) unless Continue On Fail is on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const { apiKey } = await this.getCredentials<{ apiKey: string }>('falApi');
	const cancelSignal = this.getExecutionCancelSignal();
	const session = createFalSession(apiKey, cancelSignal);
	const concurrency = operation === 'getJob' ? DEFAULTS.concurrency : readConcurrency(this);
	// The pool bounds the items in flight; the adaptive dispatcher will take this role.
	const slots = unboundedSlots();

	const results = await mapConcurrent(items.length, concurrency, async (itemIndex, stop) => {
		try {
			const run: ItemRun = { ctx: this, session, itemIndex, stop, cancelSignal, slots };
			return await operations[operation].execute(run);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, apiKey);
			if (this.continueOnFail() && !cancelSignal?.aborted) {
				return { json: { error: nodeError.message }, pairedItem: { item: itemIndex } };
			}
			throw nodeError;
		}
	});
	return [results];
}
