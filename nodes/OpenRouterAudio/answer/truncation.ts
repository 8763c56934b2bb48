// What an item says about an answer that was cut off: why (when it is knowable) and what to do. The job is
// paid either way, so the item keeps what can be kept and says so instead of failing with "not JSON".
import type { IDataObject } from 'n8n-workflow';

import type { Usage } from './answer';

/** What is known about the token limit of one answer. */
export interface TokenLimit {
	/** The request's `max_tokens` ("Max Tokens" under Options), when set. */
	maxTokens?: number;
	/** fal reported `completion_tokens` >= `max_tokens`: the answer certainly stopped at the Max Tokens limit. */
	reached: boolean;
}

export function tokenLimit(usage: Usage | null, maxTokens: number | undefined): TokenLimit {
	const used = usage?.completion_tokens;
	return { maxTokens, reached: maxTokens !== undefined && typeof used === 'number' && used >= maxTokens };
}

/**
 * The answer "was cut off at the Max Tokens limit of N", or, without that certainty, "ends mid-way, as
 * when ...". `before` names where it ends ("its first complete segment").
 */
export function howItEnded(limit: TokenLimit, before?: string): string {
	if (limit.reached) return `was cut off at the Max Tokens limit of ${limit.maxTokens}${before ? ` before ${before}` : ''}`;
	return `ends ${before ? `before ${before}` : 'mid-way'}, as when the model reaches its output token limit`;
}

export const FIRST_SEGMENT = 'its first complete segment';

/** What the user can do about a cut-off answer. */
export function cutOffFix(limit: TokenLimit): string {
	if (limit.maxTokens === undefined) {
		return '"Max Tokens" is not set under Options, so the model\'s own output limit applies: split a long recording into shorter parts.';
	}
	return 'Raise "Max Tokens" under Options (or leave it unset) and run the item again.';
}

const segmentCount = (count: number) => (count === 1 ? 'its 1 complete segment is' : `its ${count} complete segments are`);

/** The note of a Segments item whose answer was cut off: `kept` complete segments are on the item. */
export function segmentsCutOffNote(limit: TokenLimit, kept: number): string {
	return `The answer ${howItEnded(limit)}: only ${segmentCount(kept)} kept. ${cutOffFix(limit)}`;
}

/** The note of a Segments item whose cut-off answer gave no segments (kept raw). */
export function noSegmentsCutOffNote(limit: TokenLimit, beforeFirstSegment: boolean): string {
	return `The answer ${howItEnded(limit, beforeFirstSegment ? FIRST_SEGMENT : undefined)}: no segments are kept. ${cutOffFix(limit)}`;
}

/** The note of a Text or JSON item whose answer certainly stopped at the Max Tokens limit. */
export function answerCutOffNote(limit: TokenLimit): string {
	return `The answer ${howItEnded(limit)}: it is incomplete. ${cutOffFix(limit)}`;
}

/** The fields that mark an item whose answer was cut off. */
export const truncatedJson = (note: string): IDataObject => ({ truncated: true, truncatedNote: note });
