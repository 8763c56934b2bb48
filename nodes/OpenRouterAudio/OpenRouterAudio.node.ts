import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { mapConcurrent } from './concurrency';
import { properties } from './description';
import { DEFAULTS } from './description.options';
import { toNodeError } from './errors';
import { searchModels } from './models';
import { runItem } from './operations';
import { readConcurrency, type Operation } from './params';
import { createFalSession } from './transport';

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
		const concurrency = operation === 'getJob' ? DEFAULTS.concurrency : readConcurrency(this);

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
