import type { JsonObject } from 'n8n-workflow';

/** Removes the API key from any text that might reach an output item, an error or a log. */
export function redact(text: string, apiKey: string): string {
	return apiKey.length >= 4 ? text.split(apiKey).join('***') : text;
}

export function redactJson(value: JsonObject, apiKey: string): JsonObject {
	return JSON.parse(redact(JSON.stringify(value), apiKey)) as JsonObject;
}
