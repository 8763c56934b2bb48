import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { triggerProperties } from './webhook/description';
import { TRIGGER_PATH } from './webhook/reference';
import { receiveDelivery } from './webhook/trigger';

export class OpenRouterAudioTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenRouter Audio Trigger',
		name: 'openRouterAudioTrigger',
		icon: { light: 'file:openRouterAudio.svg', dark: 'file:openRouterAudio.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["transcriptOutput"] === "segments" ? "Segments" : "Text" }}',
		description: "Starts the workflow when fal delivers the answer of a job queued by OpenRouter Audio's Submit Job",
		defaults: { name: 'OpenRouter Audio Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'falApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: TRIGGER_PATH }],
		properties: triggerProperties,
	};

	// fal registers no webhooks: each job carries the trigger's URL (Submit Job), so activating and
	// deactivating the workflow has nothing to create or delete at fal.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this);
	}
}
