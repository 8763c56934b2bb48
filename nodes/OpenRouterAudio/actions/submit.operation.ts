import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { audioExpiry, resolveAudio, type ResolvedAudio } from '../audio/input';
import type { Flow } from '../dispatch/plan';
import { failItem } from '../errors/itemError';
import { audioFields } from '../fields/audio';
import { readJobParams } from '../fields/job';
import { modelField } from '../fields/model';
import { optionsCollection, withBinary } from '../fields/options';
import { taskFields } from '../fields/prompt';
import { JobLifecycle, type ItemRun } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/retryMemory';
import { describeType } from '../lib/text';

// Submit Job: queue one item's job and return its request ID at once (for long recordings); the answer comes
// to a webhook, or later through Get Job.

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
	optionsCollection(),
];

/** How its items use fal (dispatch/plan.ts). */
export const flow: Flow = 'submits';

export const description = updateDisplayOptions({ show: { operation: ['submit'] } }, properties);

const WEBHOOK_HOW_TO = 'Use a full http(s) address, such as the production URL of an n8n Webhook node or {{ $execution.resumeUrl }}, or leave the field empty.';

/** Submit Job's Webhook URL: empty (no webhook) or an absolute http(s) URL that fal can post to. */
export function readWebhookUrl(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const raw = ctx.getNodeParameter('webhookUrl', itemIndex, '');
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string') failItem(ctx, itemIndex, `The "Webhook URL" field is ${describeType(raw)}, not a URL`, WEBHOOK_HOW_TO);
	const url = raw.trim();
	if (!url) return undefined;
	let protocol = '';
	try {
		// A URL with spaces would be "repaired" by the parser into an address the user never wrote.
		if (!/\s/.test(url)) protocol = new URL(url).protocol;
	} catch {
		// handled below
	}
	if (!protocol) {
		failItem(ctx, itemIndex, `The "Webhook URL" field is not a valid URL: ${JSON.stringify(url.slice(0, 100))}`, WEBHOOK_HOW_TO);
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		failItem(ctx, itemIndex, `The "Webhook URL" field uses "${protocol}", but fal can only post to http(s) URLs`, WEBHOOK_HOW_TO);
	}
	return url;
}

/** Queues one item's job and returns its request ID at once; the answer comes by webhook or Get Job. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const params = readJobParams(ctx, itemIndex);
	const webhookUrl = readWebhookUrl(ctx, itemIndex);
	const job = new JobLifecycle({ ...run, session: run.session.withRequestData(params.keepRequestData) }, params, params.retry);
	let audio: ResolvedAudio | undefined;
	return await job.execute(async () => {
		// A retry of the node (Retry On Fail) returns the job an earlier try submitted, as it was then.
		const memory = new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params, webhookUrl));
		const requestId = await job.start(
			memory,
			async (session, signal) => (audio = await resolveAudio(ctx, session, itemIndex, params, signal)).url,
			params.request,
			webhookUrl,
		);
		const json = { requestId, status: 'IN_QUEUE', model: params.request.model, ...audioExpiry(audio) };
		return withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } });
	});
}
