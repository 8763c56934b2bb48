// An item that fails over the content of an answer fal completed has still paid for that answer: its error
// carries the whole answer and its usage, and Continue On Fail puts them on the item beside the error.
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forItem } from './itemError';

/** The paid answer an error keeps: its text and its token usage. */
export interface PaidAnswer {
	output: string;
	usage: object | null;
}

/** Where the description points the user to the whole answer. */
export const RAW_ANSWER_HINT = 'The whole answer is in the error\'s "rawAnswer" (with Continue On Fail, on the output item).';

/** The item's error about a paid answer, with the answer in `context.rawAnswer` and its usage in `context.usage`. */
export function paidAnswerError(node: INode, itemIndex: number, message: string, description: string, answer: PaidAnswer): NodeOperationError {
	const error = new NodeOperationError(node, forItem(message, itemIndex), { itemIndex, description });
	error.context.rawAnswer = answer.output;
	error.context.usage = answer.usage && { ...answer.usage };
	return error;
}

/**
 * What a Continue On Fail item keeps of the paid answer an error carries: `rawAnswer`, `usage` and the
 * `requestId`; nothing for other errors.
 */
export function paidAnswerFields(error: { context?: IDataObject }): IDataObject {
	const { rawAnswer, usage, requestId } = error.context ?? {};
	if (typeof rawAnswer !== 'string') return {};
	return { rawAnswer, usage: usage ?? null, ...(typeof requestId === 'string' && { requestId }) };
}
