// Answers as text or as JSON (Output Format), and what an answer certainly cut off at Max Tokens adds to its item.
import type { IDataObject, INode } from 'n8n-workflow';

import { paidAnswerError, RAW_ANSWER_HINT } from '../errors/answerError';
import { unfence } from '../lib/text';
import { usageJson, type AudioAnswer } from './answer';
import { answerCutOffNote, cutOffFix, howItEnded, truncatedJson, type TokenLimit } from './truncation';

export type OutputFormat = 'text' | 'json';
/** "If the Answer Is Not JSON": fail the item, or keep the raw text beside a null. */
export type InvalidJson = 'error' | 'keepRaw';

/** Added to the prompt for Output Format JSON. */
export const JSON_INSTRUCTION = 'Answer with a single JSON value only, without code fences or any other text.';

/** How the prompt asks for a JSON answer (fields/prompt.ts `shape`): Analyze's Output Format JSON, Submit Job's Answer Format JSON. */
export const JSON_SHAPE = { instruction: JSON_INSTRUCTION, replacesTranscriptLines: false };

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
		json.data = JSON.parse(unfence(answer.output)) as IDataObject;
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
