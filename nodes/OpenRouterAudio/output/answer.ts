import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Token usage as the endpoint returns it (the client's bundled type for this endpoint differs). */
export interface Usage {
	prompt_tokens: number;
	completion_tokens: number;
	total_tokens: number;
	cost: number;
}

export interface AudioAnswer {
	output: string;
	usage: Usage;
}

export type OutputFormat = 'text' | 'json';
export type InvalidJson = 'error' | 'keepRaw';

const USAGE_FIELDS: Array<keyof Usage> = ['prompt_tokens', 'completion_tokens', 'total_tokens', 'cost'];

/** Checks that fal's result has the endpoint's shape before anything downstream relies on it. */
export function parseAnswer(node: INode, data: unknown, itemIndex: number, requestId: string): AudioAnswer {
	const fail = (what: string) =>
		new NodeApiError(node, { requestId, received: typeof data === 'string' ? data.slice(0, 500) : typeof data }, {
			message: `fal returned ${what} [item ${itemIndex}]`,
			description: `Request ${requestId || '(no id)'} finished, but its result does not match the endpoint's output (an "output" text and "usage"). Try again; if it persists, report it to fal with the request ID.`,
			itemIndex,
		});
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw fail('a result that is not a JSON object');
	const result = data as { output?: unknown; usage?: unknown };
	if (typeof result.output !== 'string') throw fail('a result without "output" text');
	const usage = (result.usage ?? {}) as Record<string, unknown>;
	const cleanUsage = {} as Usage;
	for (const field of USAGE_FIELDS) {
		const value = usage[field];
		cleanUsage[field] = typeof value === 'number' && Number.isFinite(value) ? value : 0;
	}
	return { output: result.output, usage: cleanUsage };
}

// Models often wrap JSON in a Markdown code fence even when asked not to.
export function stripCodeFence(text: string): string {
	const fenced = /^\s*```[a-zA-Z0-9_-]*[^\S\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
	return (fenced ? fenced[1] : text).trim();
}

/** The item JSON for one answer: the text, usage and cost, and the parsed JSON when asked for. */
export function answerToJson(
	node: INode,
	answer: AudioAnswer,
	meta: { model: string; requestId: string; itemIndex: number; format: OutputFormat; invalidJson: InvalidJson },
): IDataObject {
	const json: IDataObject = {
		output: answer.output,
		usage: { ...answer.usage },
		model: meta.model,
		requestId: meta.requestId,
	};
	if (meta.format !== 'json') return json;
	try {
		json.data = JSON.parse(stripCodeFence(answer.output)) as IDataObject;
	} catch (error) {
		if (meta.invalidJson === 'keepRaw') {
			json.data = null;
			json.jsonError = (error as Error).message;
			return json;
		}
		throw new NodeOperationError(node, `The model's answer is not valid JSON [item ${meta.itemIndex}]`, {
			itemIndex: meta.itemIndex,
			description: `${(error as Error).message}. Answer begins: "${answer.output.slice(0, 200)}". Make the prompt ask for JSON more precisely, or set "If the Answer Is Not JSON" to "Keep the Raw Text".`,
		});
	}
	return json;
}
