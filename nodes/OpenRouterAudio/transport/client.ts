// The fal client, the endpoint it is pointed at, and the API key as users paste it.
//
// The package's one runtime dependency is imported in this file only. n8n's community rules forbid runtime
// dependencies; the official fal client is the accepted exception because it does all of the talking to fal
// (queue, status stream, storage upload) that the node would otherwise re-implement. The exception is declared
// once, in eslint.config.mjs (`falClientException`), where n8n's scanner rules see it too.
import { ApiError, createFalClient, ValidationError, type FalClient, type QueueStatus, type Result } from '@fal-ai/client';
import type { IExecuteFunctions } from 'n8n-workflow';

export { ApiError, createFalClient, ValidationError };
export type { FalClient, QueueStatus, Result };

/** The one fal endpoint this package calls. */
export const ENDPOINT_ID = 'openrouter/router/audio';

/**
 * The key as fal expects it, from the credential as users paste it: whitespace and newlines around it and a
 * leading "Key " (fal's header prefix, in any case, then whitespace) removed. The credential's own requests
 * (its test, through `authenticate` in credentials/FalApi.credentials.ts) apply the same rule in an expression.
 */
export function normalizeApiKey(raw: unknown): string {
	return (typeof raw === 'string' ? raw : '').trim().replace(/^key\s+/i, '');
}

/** What reading the credential needs of n8n: the node's execution, or the trigger's webhook call. */
type CredentialsContext = Pick<IExecuteFunctions, 'getCredentials'>;

/** The Fal API credential's key, normalised: the one place the node and the trigger read it. */
export async function readApiKey(ctx: CredentialsContext): Promise<string> {
	const { apiKey } = await ctx.getCredentials<{ apiKey?: unknown }>('falApi');
	return normalizeApiKey(apiKey);
}

/** The credential's optional admin key, normalised like the key; undefined when empty. */
export async function readAdminKey(ctx: IExecuteFunctions): Promise<string | undefined> {
	const { adminApiKey } = await ctx.getCredentials<{ adminApiKey?: unknown }>('falApi');
	return normalizeApiKey(adminApiKey) || undefined;
}
