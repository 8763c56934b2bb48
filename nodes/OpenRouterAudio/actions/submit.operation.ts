import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveAudioUrl } from '../audio/resolve';
import { withBinary } from '../output/keepBinary';
import { readJobParams } from '../params/job';
import { readWebhookUrl } from '../params/webhook';
import { submitJob, type AudioRequest } from '../transport/queue';
import { audioFields, modelField, optionsCollection, taskFields } from './descriptions';
import { guard, itemContext, type ItemRun } from './item';

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
	const { ctx, itemIndex, session } = run;
	const params = readJobParams(ctx, itemIndex, 'text');
	const webhookUrl = readWebhookUrl(ctx, itemIndex);
	const item = itemContext(run, params.timeoutMs);
	const { signal } = item;
	return await guard(item, async () => {
		const input: AudioRequest = { audio_url: await resolveAudioUrl(ctx, session, itemIndex, params, signal), ...params.request };
		// Dispatch hook: the job is not waited for, so its slot is only held while it is submitted.
		const slot = await run.slots.acquire(signal);
		let requestId: string;
		try {
			requestId = await submitJob(session, input, params.retry, signal, webhookUrl);
		} finally {
			slot.release();
		}
		const json = { requestId, status: 'IN_QUEUE', model: input.model };
		return withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } });
	});
}
