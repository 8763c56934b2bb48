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

test('at most maxBytes: the oldest values go first until the new one fits; one larger than the budget alone is not kept', () => {
	const map = new ExpiringMap<string>({ maxEntries: 10, ttlMs: 100, maxBytes: 10 }, () => 0);
	map.set('a', 'a', 4);
	map.set('b', 'b', 4);
	map.set('a', 'a2', 2); // replacing a value counts its new size only, and makes it the newest
	expect(map.totalBytes).toBe(6);
	map.set('c', 'c', 5);
	expect(['a', 'b', 'c'].map((key) => map.get(key))).toEqual(['a2', undefined, 'c']);
	expect(map.totalBytes).toBe(7);
	map.set('a', 'huge', 11);
	expect(map.get('a')).toBeUndefined();
	expect(map.get('c')).toBe('c');
	expect(map.totalBytes).toBe(5);
	map.delete('c');
	expect(map.totalBytes).toBe(0);
});
