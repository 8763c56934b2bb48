import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveAudioUrl } from '../audio/resolve';
import { failItem } from '../errors/itemError';
import { withBinary } from '../output/keepBinary';
import { readJobParams } from '../params/job';
import { JobLifecycle } from '../job/lifecycle';
import type { AudioRequest } from '../transport/queue';
import { audioFields, modelField, optionsCollection, taskFields } from './descriptions';
import type { ItemRun } from './item';

const properties: INodeProperties[] = [
	...audioFields,
	...taskFields,
	modelField,
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/fal-result',
		description:
			'Optional. fal posts the result to this URL when the job is done, for example to the production URL of an n8n Webhook node.',
	},
	optionsCollection({ jsonAnswers: false }),
];

export const description = updateDisplayOptions({ show: { operation: ['submit'] } }, properties);

/** Queues one item's job and returns its request ID at once; the answer comes by webhook or Get Job. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const params = readJobParams(ctx, itemIndex, 'text');
	const webhookUrl = String(ctx.getNodeParameter('webhookUrl', itemIndex, '')).trim();
	if (webhookUrl && !/^https?:\/\/[^\s/]+/i.test(webhookUrl)) {
		failItem(ctx, itemIndex, `The "Webhook URL" field is not an http(s) URL: "${webhookUrl.slice(0, 100)}"`, 'Use the production URL of an n8n Webhook node, or leave the field empty.');
	}
	const job = new JobLifecycle(run, params, params.retry);
	return await job.execute(async () => {
		const audioUrl = await job.upload(async (session, signal) => await resolveAudioUrl(ctx, session, itemIndex, params, signal));
		const input: AudioRequest = { audio_url: audioUrl, ...params.request };
		const requestId = await job.submit(input, webhookUrl || undefined);
		const json = { requestId, status: 'IN_QUEUE', model: input.model };
		return withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } });
	});
}
