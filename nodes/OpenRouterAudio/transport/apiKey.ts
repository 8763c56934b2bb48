import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The key as fal expects it, from the credential as users paste it: whitespace and newlines around it and a
 * leading "Key " (fal's header prefix, in any case, then whitespace) removed. The credential's own requests
 * (its test, through `authenticate` in credentials/FalApi.credentials.ts) apply the same rule in an expression.
 */
export function normalizeApiKey(raw: unknown): string {
	return (typeof raw === 'string' ? raw : '').trim().replace(/^key\s+/i, '');
}

/** The Fal API credential's key, normalised: the one place the node reads it. */
export async function readApiKey(ctx: IExecuteFunctions): Promise<string> {
	const { apiKey } = await ctx.getCredentials<{ apiKey?: unknown }>('falApi');
	return normalizeApiKey(apiKey);
}
