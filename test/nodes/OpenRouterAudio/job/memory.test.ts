import { fingerprint, JobMemory } from '../../../../nodes/OpenRouterAudio/job/memory';

const key = (itemIndex: number, executionId = 'e1') => ({ executionId, nodeName: 'Audio', itemIndex });

describe('JobMemory', () => {
	test('recalls a submitted job, then its completion, for the same request', () => {
		const memory = new JobMemory();
		const print = fingerprint({ prompt: 'p', audio_url: 'u' });
		expect(memory.recall(key(0), print)).toBeUndefined();
		memory.submitted(key(0), print, 'r1');
		expect(memory.recall(key(0), print)).toEqual({ requestId: 'r1', completed: false });
		memory.completed(key(0), 'r1');
		expect(memory.recall(key(0), print)).toEqual({ requestId: 'r1', completed: true });
	});

	test('a changed request, another item, execution or node is not served the old job', () => {
		const memory = new JobMemory();
		memory.submitted(key(0), fingerprint({ prompt: 'a' }), 'r1');
		expect(memory.recall(key(1), fingerprint({ prompt: 'a' }))).toBeUndefined();
		expect(memory.recall(key(0, 'e2'), fingerprint({ prompt: 'a' }))).toBeUndefined();
		expect(memory.recall({ ...key(0), nodeName: 'Other' }, fingerprint({ prompt: 'a' }))).toBeUndefined();
		expect(memory.recall(key(0), fingerprint({ prompt: 'b' }))).toBeUndefined();
		// a mismatch also drops the entry: the item has moved on to another request
		expect(memory.recall(key(0), fingerprint({ prompt: 'a' }))).toBeUndefined();
	});

	test('completion of another request ID does not mark the item completed', () => {
		const memory = new JobMemory();
		const print = fingerprint({ prompt: 'a' });
		memory.submitted(key(0), print, 'r2');
		memory.completed(key(0), 'r1');
		expect(memory.recall(key(0), print)?.completed).toBe(false);
	});

	test('entries expire', () => {
		let now = 1000;
		const memory = new JobMemory({ maxEntries: 10, ttlMs: 500 }, () => now);
		const print = fingerprint('x');
		memory.submitted(key(0), print, 'r1');
		now = 1499;
		expect(memory.recall(key(0), print)?.requestId).toBe('r1');
		now = 1500;
		expect(memory.recall(key(0), print)).toBeUndefined();
		expect(memory.size).toBe(0);
	});

	test('the number of entries is bounded; the oldest go first', () => {
		const memory = new JobMemory({ maxEntries: 3, ttlMs: 60_000 });
		for (let item = 0; item < 5; item++) memory.submitted(key(item), 'p', `r${item}`);
		expect(memory.size).toBe(3);
		expect(memory.recall(key(0), 'p')).toBeUndefined();
		expect(memory.recall(key(1), 'p')).toBeUndefined();
		expect(memory.recall(key(4), 'p')?.requestId).toBe('r4');
	});

	test('forget drops the entry', () => {
		const memory = new JobMemory();
		memory.submitted(key(0), 'p', 'r1');
		memory.forget(key(0));
		expect(memory.recall(key(0), 'p')).toBeUndefined();
	});
});

describe('fingerprint', () => {
	test('does not depend on key order or undefined fields, and does on every value', () => {
		expect(fingerprint({ a: 1, b: [1, { c: 'x' }] })).toBe(fingerprint({ b: [1, { c: 'x' }], a: 1, d: undefined }));
		expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
		expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
		expect(fingerprint({ a: '1' })).not.toBe(fingerprint({ a: 1 }));
	});
});
