import { ExpiringMap } from '../../../../nodes/OpenRouterAudio/lib/expiringMap';

test('an entry expires its ttl after it was last set', () => {
	let now = 0;
	const map = new ExpiringMap<string>({ maxEntries: 10, ttlMs: 100 }, () => now);
	map.set('a', 'first');
	now = 60;
	map.set('a', 'again');
	now = 120;
	expect(map.get('a')).toBe('again');
	now = 160;
	expect(map.get('a')).toBeUndefined();
	expect(map.size).toBe(0);
});

test('at most maxEntries: the entry set longest ago goes first, and expired ones go when another is set', () => {
	let now = 0;
	const map = new ExpiringMap<number>({ maxEntries: 3, ttlMs: 100 }, () => now);
	for (const key of ['a', 'b', 'c']) map.set(key, 1);
	map.set('a', 2); // a is now the newest
	map.set('d', 1);
	expect(['a', 'b', 'c', 'd'].map((key) => map.get(key))).toEqual([2, undefined, 1, 1]);
	now = 150;
	map.set('e', 1);
	expect(map.size).toBe(1);
	expect(map.get('e')).toBe(1);
});
