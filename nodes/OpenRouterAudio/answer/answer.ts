// fal's answer for the endpoint, checked before anything downstream relies on it: the output text and the
// token usage (cost included).
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { forItem } from '../errors/itemError';

/**
 * Token usage as the endpoint returns it (the client's bundled type for this endpoint differs). A number fal
 * did not send is null, never 0: a made-up zero would look like a free request in a cost sheet.
 */
export interface Usage {
	prompt_tokens: number | null;
	completion_tokens: number | null;
	total_tokens: number | null;
	cost: number | null;
}

export interface AudioAnswer {
	output: string;
	/** null when fal's answer had no usage numbers at all. */
	usage: Usage | null;
	/** Says which usage numbers fal's answer lacked; absent when it had all of them. */
	usageNote?: string;
}

const USAGE_FIELDS: Array<keyof Usage> = ['prompt_tokens', 'completion_tokens', 'total_tokens', 'cost'];

/** Checks that fal's result has the endpoint's shape before anything downstream relies on it. */
export function parseAnswer(node: INode, data: unknown, itemIndex: number, requestId: string): AudioAnswer {
	const fail = (what: string) =>
		new NodeApiError(node, { requestId, received: typeof data === 'string' ? data.slice(0, 500) : typeof data }, {
			message: forItem(`fal returned ${what}`, itemIndex),
			description: `Request ${requestId || '(no id)'} finished, but its result does not match the endpoint's output (an "output" text and "usage"). Try again; if it persists, report it to fal with the request ID.`,
			itemIndex,
		});
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw fail('a result that is not a JSON object');
	const result = data as { output?: unknown; usage?: unknown };
	if (typeof result.output !== 'string') throw fail('a result without "output" text');
	return { output: result.output, ...parseUsage(result.usage) };
}

function parseUsage(raw: unknown): Pick<AudioAnswer, 'usage' | 'usageNote'> {
	const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
	const usage = {} as Usage;
	const missing: string[] = [];
	for (const field of USAGE_FIELDS) {
		const value = given[field];
		const valid = typeof value === 'number' && Number.isFinite(value);
		usage[field] = valid ? value : null;
		if (!valid) missing.push(field);
	}
	if (missing.length === USAGE_FIELDS.length) return { usage: null, usageNote: "fal's answer did not include token usage" };
	if (missing.length) return { usage, usageNote: `fal's answer did not include ${missing.join(', ')} in its token usage` };
	return { usage };
}

/** The cost fal reported for a job in its answer (`usage.cost`), read as the output's usage reads it; null when absent. */
export function reportedCost(data: unknown): number | null {
	const usage = typeof data === 'object' && data !== null ? (data as { usage?: unknown }).usage : undefined;
	const cost = parseUsage(usage).usage?.cost ?? null;
	return cost !== null && cost >= 0 ? cost : null;
}

/** The usage part of an output item: `usage`, and `usageNote` when fal's answer lacked some of it. */
export function usageJson(answer: AudioAnswer): IDataObject {
	return {
		usage: answer.usage && { ...answer.usage },
		...(answer.usageNote !== undefined && { usageNote: answer.usageNote }),
	};
}
