import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { mapConcurrent } from './concurrency';
import { properties } from './description';
import { toNodeError } from './errors';
import { searchModels } from './models';
import { analyzeItem, getJobItem, submitItem, type ItemContext } from './operations';
import { readConcurrency, readJobParams, readRetryPolicy, type Operation } from './params';
import { createFalSession, type FalSession } from './transport';

export class OpenRouterAudio implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenRouter Audio',
		name: 'openRouterAudio',
		icon: { light: 'file:openRouterAudio.svg', dark: 'file:openRouterAudio.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ { analyze: "Analyze", submit: "Submit Job", getJob: "Get Job" }[$parameter["operation"]] }}',
		description: 'Transcribe, summarize or ask questions about audio with Gemini models on fal.ai (routed by OpenRouter)',
		defaults: { name: 'OpenRouter Audio' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'falApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const { apiKey } = await this.getCredentials<{ apiKey: string }>('falApi');
		const cancelSignal = this.getExecutionCancelSignal();
		const session = createFalSession(apiKey, cancelSignal);
		const concurrency = operation === 'getJob' ? 5 : readConcurrency(this);

		const results = await mapConcurrent(items.length, concurrency, async (itemIndex, stop) => {
			try {
				return await runItem(this, session, operation, itemIndex, stop, cancelSignal);
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
}

async function runItem(
	ctx: IExecuteFunctions,
	session: FalSession,
	operation: Operation,
	itemIndex: number,
	stop: AbortSignal,
	cancelSignal: AbortSignal | undefined,
): Promise<INodeExecutionData> {
	if (operation === 'getJob') {
		const requestId = String(ctx.getNodeParameter('requestId', itemIndex, '')).trim();
		if (!requestId) {
			throw new NodeOperationError(ctx.getNode(), `The "Request ID" field is empty [item ${itemIndex}]`, {
				itemIndex,
				description: 'Map the "requestId" from the output of a "Submit Job" operation.',
			});
		}
		const retry = readRetryPolicy(ctx, itemIndex, {});
		const signal = cancelSignal ? AbortSignal.any([cancelSignal, stop]) : stop;
		return await getJobItem({ ctx, session, itemIndex, signal, timeoutMs: 0 }, requestId, retry);
	}

	const params = readJobParams(ctx, itemIndex, operation);
	const timeoutSignal = params.timeoutMs > 0 ? AbortSignal.timeout(params.timeoutMs) : undefined;
	const signals = [stop, cancelSignal, timeoutSignal].filter((signal): signal is AbortSignal => !!signal);
	const item: ItemContext = {
		ctx,
		session,
		itemIndex,
		signal: AbortSignal.any(signals),
		timeoutSignal,
		timeoutMs: params.timeoutMs,
	};
	return operation === 'submit' ? await submitItem(item, params) : await analyzeItem(item, params);
}
