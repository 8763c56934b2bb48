import { ApiError } from '@fal-ai/client';

import { isTransient, noteRetryAfter, retryDelay, StreamEndedEarly, withRetries } from '../../../../nodes/OpenRouterAudio/transport/retry';

const policy = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 50, budgetMs: 10_000 };
const apiError = (status: number) => new ApiError({ message: `HTTP ${status}`, status });

describe('isTransient', () => {
	test.each([429, 500, 502, 503, 504])('HTTP %i is retried', (status) => {
		expect(isTransient(apiError(status))).toBe(true);
	});

	test.each([400, 401, 403, 404, 422])('HTTP %i is not retried', (status) => {
		expect(isTransient(apiError(status))).toBe(false);
	});

	test('dropped connections and early stream ends are retried, aborts are not', () => {
		expect(isTransient(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }))).toBe(true);
		expect(isTransient(new StreamEndedEarly('IN_PROGRESS'))).toBe(true);
		expect(isTransient(new DOMException('aborted', 'AbortError'))).toBe(false);
	});
});

describe('retryDelay', () => {
	test('grows exponentially with jitter inside [ceiling/2, ceiling]', () => {
		const p = { ...policy, baseDelayMs: 100, maxDelayMs: 10_000 };
		expect(retryDelay(0, p, undefined, () => 0)).toBe(50);
		expect(retryDelay(0, p, undefined, () => 1)).toBe(100);
		expect(retryDelay(3, p, undefined, () => 1)).toBe(800);
		expect(retryDelay(20, p, undefined, () => 1)).toBe(10_000);
	});

	test('Retry-After wins, capped by the maximum delay', () => {
		expect(retryDelay(0, { ...policy, maxDelayMs: 5000 }, 2000)).toBe(2000);
		expect(retryDelay(0, { ...policy, maxDelayMs: 5000 }, 60_000)).toBe(5000);
	});
});

describe('withRetries', () => {
	test('retries transient errors until success', async () => {
		const attempts: number[] = [];
		const result = await withRetries(
			async (attempt) => {
				attempts.push(attempt);
				if (attempt < 2) throw apiError(503);
				return 'ok';
			},
			policy,
			new AbortController().signal,
		);
		expect(result).toBe('ok');
		expect(attempts).toEqual([0, 1, 2]);
	});

	test('gives up after maxRetries with the last error', async () => {
		let calls = 0;
		const run = withRetries(
			async () => {
				calls++;
				throw apiError(500);
			},
			policy,
			new AbortController().signal,
		);
		await expect(run).rejects.toMatchObject({ status: 500 });
		expect(calls).toBe(policy.maxRetries + 1);
	});

	test('does not retry a permanent error', async () => {
		let calls = 0;
		await expect(
			withRetries(
				async () => {
					calls++;
					throw apiError(422);
				},
				policy,
				new AbortController().signal,
			),
		).rejects.toMatchObject({ status: 422 });
		expect(calls).toBe(1);
	});

	test('stops when the time budget would be exceeded', async () => {
		let calls = 0;
		const signal = new AbortController().signal;
		const run = withRetries(
			async () => {
				calls++;
				noteRetryAfter(signal, '30');
				throw apiError(429);
			},
			{ ...policy, maxDelayMs: 60_000, budgetMs: 1000 },
			signal,
		);
		await expect(run).rejects.toMatchObject({ status: 429 });
		expect(calls).toBe(1);
	});

	test('honours Retry-After from the failed response', async () => {
		jest.useFakeTimers();
		try {
			const signal = new AbortController().signal;
			let calls = 0;
			const run = withRetries(
				async () => {
					if (calls++ === 0) {
						noteRetryAfter(signal, '2');
						throw apiError(429);
					}
					return 'ok';
				},
				{ ...policy, maxDelayMs: 5000 },
				signal,
			);
			await jest.advanceTimersByTimeAsync(1999);
			expect(calls).toBe(1);
			await jest.advanceTimersByTimeAsync(1);
			await expect(run).resolves.toBe('ok');
			expect(calls).toBe(2);
		} finally {
			jest.useRealTimers();
		}
	});

	test('an abort during the backoff ends the wait at once', async () => {
		const controller = new AbortController();
		const run = withRetries(
			async () => {
				setTimeout(() => controller.abort(new Error('stopped')), 20);
				throw apiError(503);
			},
			{ ...policy, baseDelayMs: 10_000, maxDelayMs: 10_000 },
			controller.signal,
		);
		// Without the abort the wait would end in a second 503, not in the abort reason.
		await expect(run).rejects.toThrow('stopped');
	});
});
