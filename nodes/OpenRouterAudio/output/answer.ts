import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { forItem } from '../errors/itemError';
import { paidAnswerError, RAW_ANSWER_HINT } from './answerError';
import { answerCutOffNote, cutOffFix, howItEnded, truncatedJson, type TokenLimit } from './truncation';

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

export type OutputFormat = 'text' | 'json';
export type InvalidJson = 'error' | 'keepRaw';

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

/** The usage part of an output item: `usage`, and `usageNote` when fal's answer lacked some of it. */
export function usageJson(answer: AudioAnswer): IDataObject {
	return {
		usage: answer.usage && { ...answer.usage },
		...(answer.usageNote !== undefined && { usageNote: answer.usageNote }),
	};
}

// Models often wrap JSON in a Markdown code fence even when asked not to.
export function stripCodeFence(text: string): string {
	const fenced = /^\s*```[a-zA-Z0-9_-]*[^\S\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
	return (fenced ? fenced[1] : text).trim();
}

/**
 * The item JSON for one answer: the text, usage and cost, and the parsed JSON when asked for. With
 * `tokenLimit`, an answer that certainly stopped at the Max Tokens limit is marked `truncated` (unless it
 * is whole JSON, which a cut-off answer is not); without it (Segments), the caller judges that itself.
 */
export function answerToJson(
	node: INode,
	answer: AudioAnswer,
	meta: { model: string; requestId: string; itemIndex: number; format: OutputFormat; invalidJson: InvalidJson; tokenLimit?: TokenLimit },
): IDataObject {
	const json: IDataObject = {
		output: answer.output,
		...usageJson(answer),
		model: meta.model,
		requestId: meta.requestId,
	};
	const limit = meta.tokenLimit?.reached ? meta.tokenLimit : undefined;
	if (meta.format !== 'json') return limit ? Object.assign(json, truncatedJson(answerCutOffNote(limit))) : json;
	try {
		json.data = JSON.parse(stripCodeFence(answer.output)) as IDataObject;
	} catch (error) {
		const reason = (error as Error).message;
		if (meta.invalidJson === 'keepRaw') {
			json.data = null;
			json.jsonError = limit ? `the answer ${howItEnded(limit)} (${reason})` : reason;
			return limit ? Object.assign(json, truncatedJson(answerCutOffNote(limit))) : json;
		}
		const begins = `Answer begins: "${answer.output.slice(0, 200)}".`;
		if (limit) {
			throw paidAnswerError(node, meta.itemIndex, `The model's answer ${howItEnded(limit)}, so it is not valid JSON`, `${reason}. ${begins} Request ${meta.requestId} was paid for. ${RAW_ANSWER_HINT} ${cutOffFix(limit)} Or set "If the Answer Is Not JSON" to "Keep the Raw Text" to keep such answers.`, answer);
		}
		throw paidAnswerError(node, meta.itemIndex, "The model's answer is not valid JSON", `${reason}. ${begins} Make the prompt ask for JSON more precisely, or set "If the Answer Is Not JSON" to "Keep the Raw Text". ${RAW_ANSWER_HINT}`, answer);
	}
	return json;
}
