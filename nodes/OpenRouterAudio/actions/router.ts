import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { planDispatch } from '../dispatch/plan';
import { mapAdmitted } from '../dispatch/pool';
import { paidAnswerFields } from '../errors/answerError';
import { toNodeError } from '../errors/falError';
import { defaultRetryPolicy, readMaxConcurrentJobs } from '../fields/options';
import type { ItemRun } from '../job/lifecycle';
import { executionLedger } from '../money/execution';
import { costHints, SpendLimitReached, stoppedSummary } from '../money/report';
import { readApiKey } from '../transport/client';
import { createFalSession } from '../transport/session';
import * as analyze from './analyze.operation';
import { properties } from './description';
import * as getJob from './getJob.operation';
import * as submit from './submit.operation';

const operations = { analyze, submit, getJob };
export type Operation = keyof typeof operations;

const isOperation = (value: unknown): value is Operation => typeof value === 'string' && Object.hasOwn(operations, value);

/** The operations as the "Operation" field shows them: "Analyze Audio", ... */
function operationNames(): string {
	const field = properties.find((property) => property.name === 'operation');
	return (field?.options ?? []).map((option) => `"${option.name}"`).join(', ');
}

/**
 * The chosen operation. One this version does not have (a workflow written for another version of the node, or
 * edited by hand) fails the node before anything is read or sent.
 */
function readOperation(ctx: IExecuteFunctions): Operation {
	const operation = ctx.getNodeParameter('operation', 0) as unknown;
	if (isOperation(operation)) return operation;
	throw new NodeOperationError(ctx.getNode(), `The operation ${JSON.stringify(operation)} is not one this node has`, {
		description: `Open the node and choose one in its "Operation" field: ${operationNames()}. A workflow made with another version of this node may name an operation this version lacks.`,
	});
}

/**
 * Runs the chosen operation for every input item, one output item per input item in input order. A failed
 * item fails the node (and stops the others, unless Retry On Fail is on) unless Continue On Fail is on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = readOperation(this);
	const apiKey = await readApiKey(this);
	const cancelSignal = this.getExecutionCancelSignal();
	// Each item binds the session to its own retry policy (read within the item, so a bad "Max Retries" fails that
	// item alone); the session's own clients make no item's requests and take the option's default.
	const session = createFalSession(apiKey, defaultRetryPolicy(), cancelSignal);
	const { flow } = operations[operation];
	const { slots, admission, finished } = planDispatch(flow, flow === 'looksUp' ? Infinity : readMaxConcurrentJobs(this), apiKey);
	// What this execution's jobs cost, kept across Retry On Fail's tries; only Analyze, which waits for the answers, can limit it.
	const spend = executionLedger(this, operation === 'analyze' ? analyze.readMaxCost(this) : 0);
	const failed: number[] = [];
	const notSent: SpendLimitReached[] = [];

	// With Retry On Fail, n8n runs the node again with every item. Letting the other items finish now means a
	// retry finds their jobs (job/retryMemory.ts) and pays for none of them again; stopping them would waste them.
	const finishAll = this.getNode().retryOnFail === true && !this.continueOnFail();

	const results = await mapAdmitted(items.length, admission, async (itemIndex, stop) => {
		try {
			const run: ItemRun = { ctx: this, session, itemIndex, stop, cancelSignal, slots, spend };
			return await operations[operation].execute(run);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			failed.push(itemIndex);
			if (this.continueOnFail() && !cancelSignal?.aborted) {
				// An answer that was paid for but failed the item stays with it (errors/answerError.ts).
				return { json: { error: nodeError.message, ...paidAnswerFields(nodeError) }, pairedItem: { item: itemIndex } };
			}
			// Max Cost per Execution stops new jobs, not the running ones: the node fails once they have delivered.
			if (nodeError instanceof SpendLimitReached && !cancelSignal?.aborted) {
				notSent.push(nodeError);
				return undefined;
			}
			throw nodeError;
		}
	}, { finishAll }).finally(finished);
	if (notSent.length > 0) {
		const first = notSent.reduce((a, b) => ((a.context.itemIndex as number) <= (b.context.itemIndex as number) ? a : b));
		first.description = `${first.description ?? ''}\n${stoppedSummary(spend)}`;
		throw first;
	}
	if (flow !== 'looksUp') this.addExecutionHints(...costHints(spend, flow, failed.sort((a, b) => a - b)));
	return [results as INodeExecutionData[]];
}
