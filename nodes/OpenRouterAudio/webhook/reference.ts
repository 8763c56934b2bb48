// What Submit Job tells the trigger about a job through the webhook URL: the item's Reference, the model and
// Max Tokens (fal's delivery carries only the answer and its usage), signed by the package itself.
//
// fal's signature covers the body, not the URL, and fal signs the deliveries of every fal account with the
// same keys: on its own it proves a delivery came from fal, not that the job was yours. The URL's signature is
// an HMAC keyed by a key derived from the Fal API key both nodes use, so only a Submit Job holding that key
// can make one: a job someone else submitted to your trigger's URL, or a delivery whose reference was
// changed on the way, is refused. The key is derived (never the API key itself, and nothing the user must
// set); a new API key makes the tickets of jobs already submitted with the old one unverifiable.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The trigger's webhook path: its URLs end in it (`.../webhook/<id>/openrouter-audio`, and `webhook-test/`
 * while listening for a test event). Submit Job adds the ticket only to such a URL, so a Wait node's resume
 * URL (whose own signature covers its query) or any other receiver gets the URL exactly as written.
 */
export const TRIGGER_PATH = 'openrouter-audio';

/** Whether `webhookUrl` is an OpenRouter Audio Trigger's URL. */
export const isTriggerUrl = (webhookUrl: string): boolean => new URL(webhookUrl).pathname.replace(/\/+$/, '').endsWith(`/${TRIGGER_PATH}`);

/** The query parameters Submit Job adds to the webhook URL. */
export const TICKET_PARAMS = {
	reference: 'reference',
	model: 'model',
	maxTokens: 'max_tokens',
	signature: 'ref_sig',
} as const;

export const MAX_REFERENCE_LENGTH = 1000;

export interface Ticket {
	/** The item's Reference; absent when the field was empty. */
	reference?: string;
	model: string;
	maxTokens?: number;
}

const KEY_CONTEXT = 'n8n-nodes-fal-openrouter-audio: webhook reference v1';

function mac(apiKey: string, ticket: Ticket): Buffer {
	const key = createHmac('sha256', apiKey).update(KEY_CONTEXT).digest();
	// A JSON array: no value can pass for another by containing a separator.
	const canonical = JSON.stringify(['v1', ticket.reference ?? null, ticket.model, ticket.maxTokens ?? null]);
	return createHmac('sha256', key).update(canonical).digest();
}

/** The webhook URL with the ticket's parameters and their signature added. */
export function withTicket(webhookUrl: string, apiKey: string, ticket: Ticket): string {
	const url = new URL(webhookUrl);
	if (ticket.reference !== undefined) url.searchParams.set(TICKET_PARAMS.reference, ticket.reference);
	url.searchParams.set(TICKET_PARAMS.model, ticket.model);
	if (ticket.maxTokens !== undefined) url.searchParams.set(TICKET_PARAMS.maxTokens, String(ticket.maxTokens));
	url.searchParams.set(TICKET_PARAMS.signature, mac(apiKey, ticket).toString('base64url'));
	return url.href;
}

/** The parameter names of `webhookUrl` that the ticket would overwrite. */
export function ticketClashes(webhookUrl: string): string[] {
	const params = new URL(webhookUrl).searchParams;
	return Object.values(TICKET_PARAMS).filter((name) => params.has(name));
}

/** The ticket a delivery's query carries, or a reason to refuse it (for the log). */
export function readTicket(query: Record<string, unknown>, apiKey: string): Ticket | string {
	const one = (name: string): string | undefined => {
		const value = query[name];
		if (value === undefined) return undefined;
		return typeof value === 'string' ? value : '\u0000'; // repeated or nested: never what Submit Job wrote
	};
	const signature = one(TICKET_PARAMS.signature);
	const model = one(TICKET_PARAMS.model);
	if (signature === undefined || model === undefined) return 'the URL has no reference signature (the job was not submitted by Submit Job with this credential)';
	const maxTokensText = one(TICKET_PARAMS.maxTokens);
	const maxTokens = maxTokensText === undefined ? undefined : Number(maxTokensText);
	if (maxTokensText !== undefined && !/^\d{1,9}$/.test(maxTokensText)) return 'the URL\'s max_tokens is not a number';
	const ticket: Ticket = { reference: one(TICKET_PARAMS.reference), model, maxTokens };
	const given = Buffer.from(signature, 'base64url');
	const expected = mac(apiKey, ticket);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		return 'the URL\'s reference signature does not match (its reference, model or max_tokens was changed, or the job was submitted with another Fal API key)';
	}
	return ticket;
}
