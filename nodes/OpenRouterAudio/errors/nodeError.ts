import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ApiError, ValidationError } from '../transport/fal';
import { redact, redactJson } from './redact';

// fal's field names in 422 errors, as the user sees them in the node.
const FIELD_LABELS: Record<string, string> = {
	audio_url: '"Audio URL" / "Input Binary Field"',
	prompt: '"Prompt"',
	model: '"Model"',
	system_prompt: '"System Prompt" (Options)',
	reasoning: '"Reasoning" (Options)',
	temperature: '"Temperature" (Options)',
	max_tokens: '"Max Tokens" (Options)',
};

function describeValidation(error: ValidationError): { message: string; description: string } {
	const lines = error.fieldErrors.map((field) => {
		const name = String(field.loc[field.loc.length - 1] ?? 'body');
		// A whole-body complaint (fal's plain-text detail) has no field to name.
		return name === 'body' ? field.msg : `${FIELD_LABELS[name] ?? name}: ${field.msg}`;
	});
	return {
		message: `fal rejected the input: ${lines[0] ?? error.message}`,
		description: `${lines.join('\n')}\nCorrect the field${lines.length > 1 ? 's' : ''} above and run the node again.`,
	};
}

function describeApiError(error: ApiError<unknown>): { message: string; description: string } {
	const status = error.status;
	const detail = typeof (error.body as { detail?: unknown } | undefined)?.detail === 'string'
		? String((error.body as { detail: string }).detail)
		: error.message;
	if (error instanceof ValidationError || status === 422) return describeValidation(error as ValidationError);
	if (status === 401 || status === 403) {
		return {
			message: `fal refused the API key (HTTP ${status})`,
			description:
				'Check the Fal API credential: the key may be mistyped, revoked, or belong to another account. Create a key at https://fal.ai/dashboard/keys.',
		};
	}
	if (status === 429) {
		return {
			message: 'fal is rate limiting requests (HTTP 429) and the retries ran out',
			description: 'Set "Max Concurrent Jobs" under Options to a lower number, or run fewer items at once, then try again.',
		};
	}
	if (status >= 500) {
		return {
			message: `fal failed to process the request (HTTP ${status}): ${detail}`,
			description: 'This is an error on fal\'s side and it persisted through the retries. Try again later, or raise "Max Retries" under Options.',
		};
	}
	return { message: `fal returned HTTP ${status}: ${detail}`, description: 'See the error details for fal\'s full answer.' };
}

const isAbort = (error: unknown) =>
	error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

/**
 * Turns anything the fal client or the retry layer throws into an n8n error for one item: fal's own message,
 * the item index, a hint how to fix it, and never the API key.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	apiKey: string,
	requestId?: string,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const suffix = ` [item ${itemIndex}]`;
	if (error instanceof ApiError) {
		const { message, description } = describeApiError(error);
		const response: JsonObject = { status: error.status, requestId: error.requestId || requestId || null };
		if (error.body !== undefined) response.body = error.body as JsonObject;
		return new NodeApiError(node, redactJson(response, apiKey), {
			message: redact(message, apiKey) + suffix,
			description: redact(description, apiKey),
			httpCode: String(error.status),
			itemIndex,
		});
	}
	const cause = error instanceof Error ? error : new Error(String(error));
	const reason = [cause.message, (cause.cause as Error | undefined)?.message].filter(Boolean).join(': ');
	// The cause goes into the description: n8n replaces messages that contain codes like ECONNREFUSED
	// with a generic text that would lose the item and the service.
	const message = isAbort(cause) ? 'The request to fal was aborted' : 'Could not reach fal';
	return new NodeOperationError(node, message + suffix, {
		itemIndex,
		description: redact(
			`${reason}. ${isAbort(cause) ? 'The execution was stopped or the item ran out of time.' : 'Check that the n8n instance can reach fal.ai; the request was retried before giving up.'}`,
			apiKey,
		),
	});
}
