import { inspect } from 'node:util';

import { AccountLimits } from '../../../../nodes/OpenRouterAudio/dispatch/accountLimits';

test('remembers each account\'s limit by its key, and nothing for an unknown key', () => {
	const limits = new AccountLimits();
	limits.remember('key-a', 40);
	limits.remember('key-b', 2);
	expect(limits.recall('key-a')).toBe(40);
	expect(limits.recall('key-b')).toBe(2);
	expect(limits.recall('key-c')).toBeUndefined();
	limits.remember('key-a', 10);
	expect(limits.recall('key-a')).toBe(10);
});

test('a run that learned nothing (no job ran) teaches nothing', () => {
	const limits = new AccountLimits();
	limits.remember('key-a', 0);
	expect(limits.recall('key-a')).toBeUndefined();
	expect(limits.size).toBe(0);
});

test('a limit is learned again after a day: credits bought since may have raised it', () => {
	let now = 0;
	const limits = new AccountLimits(() => now);
	limits.remember('key-a', 40);
	now += 23 * 3_600_000;
	expect(limits.recall('key-a')).toBe(40);
	now += 2 * 3_600_000;
	expect(limits.recall('key-a')).toBeUndefined();
	expect(limits.size).toBe(0);
});

test('bounded: the longest unused account is forgotten first, and the key itself is never kept', () => {
	const limits = new AccountLimits();
	for (let n = 0; n < 150; n++) limits.remember(`key-${n}`, n + 1);
	expect(limits.size).toBe(100);
	expect(limits.recall('key-0')).toBeUndefined();
	expect(limits.recall('key-149')).toBe(150);
	// Everything the object holds, down to the keys of its map: digests only.
	const held = inspect(limits, { depth: Infinity, maxArrayLength: Infinity });
	expect(held.match(/'[0-9a-f]{64}'/g)).toHaveLength(100);
	expect(held).not.toContain('key-');
});
