import { sleep } from 'n8n-workflow';

import { untilAborted } from './abort';
import { isRetryableError } from './fal';

// The fal client already retries 429/502/503/504 inside each call, with short fixed backoff. This layer
// sits above it for what outlasts those retries: rate limits with Retry-After, 500s, dropped connections.

export interface RetryPolicy {
	/** Retries after the first attempt. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** No retry starts after this much time has passed since the first attempt. */
	budgetMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
	baseDelayMs: 500,
	maxDelayMs: 15_000,
	budgetMs: 120_000,
};

// Retry-After of the last failed response, per item: each item's requests carry that item's own signal.
const retryAfterBySignal = new WeakMap<AbortSignal, number>();

export function noteRetryAfter(signal: AbortSignal, header: string | null): void {
	if (header === null) return;
	const seconds = Number(header);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
	if (Number.isFinite(ms)) retryAfterBySignal.set(signal, Math.max(0, ms));
}

/** Raised when a status stream closes before the job reports COMPLETED; worth reopening. */
export class StreamEndedEarly extends Error {
	constructor(readonly lastStatus: string | undefined) {
		super(`fal's status stream closed before the job completed (last status: ${lastStatus ?? 'none'})`);
		this.name = 'StreamEndedEarly';
	}
}

const TRANSIENT_STATUS = [408, 429, 500, 502, 503, 504];

export function isTransient(error: unknown): boolean {
	if (error instanceof StreamEndedEarly) return true;
	return isRetryableError(error, TRANSIENT_STATUS);
}

/** Exponential backoff with full jitter, or the server's Retry-After when it gave one. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `operation` until it succeeds, fails for good, runs out of retries or budget, or `signal` aborts;
 * an abort ends the wait at once, also in the middle of an attempt.
 */
export async function withRetries<T>(
	operation: (attempt: number) => Promise<T>,
	policy: RetryPolicy,
	signal: AbortSignal,
): Promise<T> {
	const started = Date.now();
	for (let attempt = 0; ; attempt++) {
		retryAfterBySignal.delete(signal);
		let failure: unknown;
		try {
			return await untilAborted(signal, async () => await operation(attempt));
		} catch (error) {
			failure = error;
		}
		// Raw errors travel up to the item boundary, where toNodeError turns them into n8n errors.
		if (signal.aborted || attempt >= policy.maxRetries || !isTransient(failure)) throw failure;
		const delay = retryDelay(attempt, policy, retryAfterBySignal.get(signal));
		if (Date.now() - started + delay > policy.budgetMs) throw failure;
		await sleep(delay, signal);
	}
}
