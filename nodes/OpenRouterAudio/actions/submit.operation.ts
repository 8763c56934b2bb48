import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { JSON_SHAPE } from '../answer/json';
import { audioExpiry, resolveAudio, type ResolvedAudio } from '../audio/input';
import type { Flow } from '../dispatch/plan';
import { failItem } from '../errors/itemError';
import { audioFields } from '../fields/audio';
import { readJobParams } from '../fields/job';
import { modelField } from '../fields/model';
import { optionsCollection, optionsOf, withBinary } from '../fields/options';
import { readSpeakerLabels, readTask, taskFields, type PromptChoices } from '../fields/prompt';
import { JobLifecycle, type ItemRun } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/retryMemory';
import { describeType } from '../lib/text';
import { segmentsShape } from '../transcript/segments';
import { isTriggerUrl, MAX_REFERENCE_LENGTH, ticketClashes, TRIGGER_PATH, withTicket } from '../webhook/reference';

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
			'Optional. fal posts the result to this URL when the job is done: the production URL of an OpenRouter Audio Trigger, which checks that fal sent it and gives the same item as Analyze.',
	},
	{
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.fileName }}',
		description:
			'Optional. Which input this job is for (a file name, a row ID): sent, signed, with the Webhook URL and returned by the OpenRouter Audio Trigger as "reference".',
	},
	optionsCollection([
		{
			displayName: 'Answer Format',
			name: 'answerFormat',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text', description: 'Ask for the answer as text' },
				{ name: 'JSON', value: 'json', description: 'Ask for a JSON answer, for the trigger\'s Output Format JSON' },
				{ name: 'Segments', value: 'segments', description: 'Ask for timed segments (Transcribe), for the trigger\'s Segments output' },
			],
			default: 'text',
			description: 'The shape of answer the prompt asks for, as Analyze asks for it: read it with the same Output options of the OpenRouter Audio Trigger',
		},
	]),
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

/** "Reference": text or a number (an expression's row ID), trimmed; absent when empty. */
export function readReference(ctx: IExecuteFunctions, itemIndex: number, webhookUrl: string | undefined): string | undefined {
	const raw = ctx.getNodeParameter('reference', itemIndex, '');
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) {
		failItem(ctx, itemIndex, `The "Reference" field is ${describeType(raw)}, not text`, 'Use text or a number, such as {{ $json.fileName }} or {{ $json.id }}.');
	}
	const reference = String(raw).trim();
	if (!reference) return undefined;
	if (reference.length > MAX_REFERENCE_LENGTH) {
		failItem(ctx, itemIndex, `The "Reference" field is ${reference.length} characters long`, `Use at most ${MAX_REFERENCE_LENGTH} characters: it travels in the webhook URL. A file name or a row ID is enough.`);
	}
	if (!webhookUrl || !isTriggerUrl(webhookUrl)) {
		failItem(
			ctx,
			itemIndex,
			`The "Reference" field is set but "Webhook URL" ${webhookUrl ? 'is not an OpenRouter Audio Trigger\'s URL' : 'is empty'}`,
			`Only the OpenRouter Audio Trigger returns the reference: set "Webhook URL" to its production URL (it ends in /${TRIGGER_PATH}), or clear "Reference".`,
		);
	}
	return reference;
}

/** "Answer Format": the instruction Analyze adds for JSON or Segments, so the trigger can read the answer the same way. */
function readShape(ctx: IExecuteFunctions, itemIndex: number): PromptChoices['shape'] {
	const format = optionsOf(ctx, itemIndex).answerFormat ?? 'text';
	if (format === 'text') return undefined;
	if (format === 'json') return JSON_SHAPE;
	if (format !== 'segments') failItem(ctx, itemIndex, `The "Answer Format" option is ${JSON.stringify(format)}`, 'Use "text", "json" or "segments".');
	const task = readTask(ctx, itemIndex);
	if (task !== 'transcribe') failItem(ctx, itemIndex, 'The "Answer Format" option is Segments, but the task is not Transcribe', 'Segments are timed parts of a transcript: choose the Transcribe task, or another Answer Format.');
	return segmentsShape(readSpeakerLabels(ctx, itemIndex, task));
}

/** Queues one item's job and returns its request ID at once; the answer comes by webhook or Get Job. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const params = readJobParams(ctx, itemIndex, readShape(ctx, itemIndex));
	const plainWebhookUrl = readWebhookUrl(ctx, itemIndex);
	const reference = readReference(ctx, itemIndex, plainWebhookUrl);
	const forTrigger = plainWebhookUrl !== undefined && isTriggerUrl(plainWebhookUrl);
	const clashes = forTrigger ? ticketClashes(plainWebhookUrl) : [];
	if (clashes.length) {
		failItem(ctx, itemIndex, `The "Webhook URL" already has the query parameter "${clashes[0]}"`, 'Submit Job adds the reference, model and their signature to the URL for the OpenRouter Audio Trigger: remove those parameters from the URL.');
	}
	const job = JobLifecycle.forJob(run, params);
	let audio: ResolvedAudio | undefined;
	return await job.execute(async () => {
		// Signed with a key derived from the credential's API key: the trigger, holding the same credential,
		// knows the job was submitted here and that its reference arrives unchanged (webhook/reference.ts).
		const webhookUrl = !forTrigger
			? plainWebhookUrl
			: withTicket(plainWebhookUrl, job.session.apiKey, { reference, model: params.request.model, maxTokens: params.request.max_tokens });
		// A retry of the node (Retry On Fail) returns the job an earlier try submitted, as it was then.
		const memory = new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params, webhookUrl));
		const requestId = await job.start(
			memory,
			async (session, signal) => (audio = await resolveAudio(ctx, session, itemIndex, params, signal)).url,
			params.request,
			webhookUrl,
		);
		const json = { requestId, status: 'IN_QUEUE', model: params.request.model, ...(reference !== undefined && { reference }), ...audioExpiry(audio) };
		return withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } });
	});
}
