import type { IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from './text';

const HOW_TO = 'Use a full http(s) address, such as the production URL of an n8n Webhook node or {{ $execution.resumeUrl }}, or leave the field empty.';

/** Submit Job's Webhook URL: empty (no webhook) or an absolute http(s) URL that fal can post to. */
export function readWebhookUrl(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const raw = ctx.getNodeParameter('webhookUrl', itemIndex, '');
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string') failItem(ctx, itemIndex, `The "Webhook URL" field is ${describeType(raw)}, not a URL`, HOW_TO);
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
		failItem(ctx, itemIndex, `The "Webhook URL" field is not a valid URL: ${JSON.stringify(url.slice(0, 100))}`, HOW_TO);
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		failItem(ctx, itemIndex, `The "Webhook URL" field uses "${protocol}", but fal can only post to http(s) URLs`, HOW_TO);
	}
	return url;
}
