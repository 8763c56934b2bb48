// The retry policy of one item: how many attempts one HTTP request gets and how long to wait between them.
// The attempts themselves are made in attempts.ts, inside the fetch the fal client is given.

export interface RetryPolicy {
	/** Retries after the first attempt of one HTTP request: at most maxRetries + 1 attempts in total. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
	baseDelayMs: 500,
	maxDelayMs: 15_000,
};

/** Retry-After in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
	if (header === null || header.trim() === '') return undefined;
	const text = header.trim();
	const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
	return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** Exponential backoff with jitter inside [ceiling/2, ceiling]; the server's Retry-After when it gave one. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return retryAfterMs;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
