import { parseRetryAfter, retryDelay } from '../../../../nodes/OpenRouterAudio/transport/retry';

const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000 };

describe('retryDelay', () => {
	test('grows exponentially with jitter inside [ceiling/2, ceiling]', () => {
		expect(retryDelay(0, policy, undefined, () => 0)).toBe(50);
		expect(retryDelay(0, policy, undefined, () => 1)).toBe(100);
		expect(retryDelay(3, policy, undefined, () => 1)).toBe(800);
		expect(retryDelay(20, policy, undefined, () => 1)).toBe(10_000);
	});

	test("the server's Retry-After wins, also above the backoff ceiling (the item's time caps it)", () => {
		expect(retryDelay(0, policy, 2000)).toBe(2000);
		expect(retryDelay(0, policy, 60_000)).toBe(60_000);
	});
});

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	test('seconds and HTTP dates, never negative', () => {
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
	});
	test('absent or unreadable is undefined', () => {
		expect(parseRetryAfter(null, now)).toBeUndefined();
		expect(parseRetryAfter('', now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
	});
});
