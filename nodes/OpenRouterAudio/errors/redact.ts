import type { JsonObject } from 'n8n-workflow';

/**
 * Removes the API key (also as `Key <key>` and URL-encoded) from any text that might reach an output, an error
 * or a log. `apiKey` is the normalised key (transport/apiKey.ts): the key as pasted contains it, so every
 * pasted form (`Key <key>`, surrounded by whitespace, encoded) loses the key too.
 */
export function redact(text: string, apiKey: string): string {
	if (apiKey.length < 4) return text;
	let out = text;
	for (const form of new Set([`Key ${apiKey}`, apiKey, encodeURIComponent(apiKey)])) out = out.split(form).join('***');
	return out;
}

export function redactJson(value: JsonObject, apiKey: string): JsonObject {
	return JSON.parse(redact(JSON.stringify(value), apiKey)) as JsonObject;
}

/**
 * Scrubs the key from every string an error carries, in place: message, description, stack, cause,
 * errorResponse, context and whatever they hold. Returns the same error.
 */
export function scrubKey<T>(error: T, apiKey: string): T {
	const seen = new WeakSet<object>();
	const visit = (value: unknown): unknown => {
		if (typeof value === 'string') return redact(value, apiKey);
		if (!value || typeof value !== 'object' || seen.has(value)) return value;
		seen.add(value);
		const record = value as Record<string, unknown>;
		const keys = new Set([...Object.keys(record), ...(value instanceof Error ? ['message', 'stack', 'cause'] : [])]);
		for (const key of keys) {
			try {
				const before = record[key];
				const after = visit(before);
				if (after !== before) record[key] = after;
			} catch {
				// A read-only property: nothing a user sees is stored there.
			}
		}
		return value;
	};
	visit(error);
	return error;
}
