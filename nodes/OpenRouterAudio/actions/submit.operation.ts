import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveAudioUrl } from '../audio/resolve';
import { withBinary } from '../output/keepBinary';
import { readJobParams } from '../params/job';
import { readWebhookUrl } from '../params/webhook';
import { JobLifecycle } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/reuse';
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
	const webhookUrl = readWebhookUrl(ctx, itemIndex);
	const job = new JobLifecycle(run, params, params.retry);
	return await job.execute(async () => {
		// A retry of the node (Retry On Fail) returns the job an earlier try submitted, as it was then.
		const requestId =
			(await job.reuse(new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params, webhookUrl)))) ??
			(await job.submit(
				{
					audio_url: await job.upload(async (session, signal) => await resolveAudioUrl(ctx, session, itemIndex, params, signal)),
					...params.request,
				},
				webhookUrl,
			));
		const json = { requestId, status: 'IN_QUEUE', model: params.request.model };
		return withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } });
	});
}
