import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/description';
import { router } from './actions/router';
import { searchModels } from './methods/listSearch';

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
		return await router.call(this);
	}
}
