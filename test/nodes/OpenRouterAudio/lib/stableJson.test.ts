import { stableJson } from '../../../../nodes/OpenRouterAudio/lib/stableJson';

describe('stableJson', () => {
	test('equal values give the same text whatever the order of their keys, at every depth', () => {
		expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe(stableJson({ a: { c: 'x', d: [1, { x: 1, y: 2 }] }, b: 1 }));
		expect(stableJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
	});

	test('a field set to undefined is left out, as JSON.stringify does; other values differ', () => {
		expect(stableJson({ a: 1, b: undefined })).toBe(stableJson({ a: 1 }));
		expect(stableJson({ a: 1 })).not.toBe(stableJson({ a: '1' }));
		expect(stableJson([1, 2])).not.toBe(stableJson([2, 1]));
		expect(stableJson(undefined)).toBe('null');
	});
});
