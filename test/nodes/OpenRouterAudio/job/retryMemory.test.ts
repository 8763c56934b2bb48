import type { IExecuteFunctions } from 'n8n-workflow';

import type { JobFate } from '../../../../nodes/OpenRouterAudio/outcome/jobFate';
import type { JobParams } from '../../../../nodes/OpenRouterAudio/fields/job';
import { fingerprint, JobMemory, RememberedItem, requestFingerprint } from '../../../../nodes/OpenRouterAudio/job/retryMemory';

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

	test('keeps a completed job\'s answer as received, for that job only; a new job or forget drops it', () => {
		const memory = new JobMemory();
		memory.submitted(key(0), 'p', 'r1');
		memory.answered(key(0), { data: { output: 'early' }, requestId: 'r1' });
		expect(memory.answer(key(0), 'r1')).toBeUndefined(); // not completed: nothing to keep
		memory.completed(key(0), 'r1');
		const data = { output: 'kept', usage: { cost: 0.01 } };
		memory.answered(key(0), { data, requestId: 'r1' });
		data.output = 'changed afterwards';
		expect(memory.answer(key(0), 'r1')).toEqual({ data: { output: 'kept', usage: { cost: 0.01 } }, requestId: 'r1' });
		expect(memory.answer(key(0), 'r2')).toBeUndefined();
		expect(memory.answer(key(1), 'r1')).toBeUndefined();
		memory.submitted(key(0), 'p', 'r2');
		expect(memory.answer(key(0), 'r1')).toBeUndefined();
		memory.completed(key(0), 'r2');
		memory.answered(key(0), { data: 'second', requestId: 'r2' });
		memory.forget(key(0));
		expect(memory.answer(key(0), 'r2')).toBeUndefined();
		expect(memory.answerBytes).toBe(0);
	});

	test('answers are bounded in bytes for the process: the oldest go first; entries stay', () => {
		const memory = new JobMemory({ maxAnswerBytes: 25 });
		for (let item = 0; item < 3; item++) {
			memory.submitted(key(item), 'p', `r${item}`);
			memory.completed(key(item), `r${item}`);
			memory.answered(key(item), { data: 'x'.repeat(8), requestId: `r${item}` }); // 10 bytes of JSON
		}
		expect(memory.answerBytes).toBe(20);
		expect([0, 1, 2].map((item) => memory.answer(key(item), `r${item}`)?.data)).toEqual([undefined, 'xxxxxxxx', 'xxxxxxxx']);
		// Past the budget a retry falls back to fal: the job itself is still remembered, never paid twice.
		expect(memory.recall(key(0), 'p')).toEqual({ requestId: 'r0', completed: true });
	});

	test('answers expire with the entries', () => {
		let now = 0;
		const memory = new JobMemory({ ttlMs: 500 }, () => now);
		memory.submitted(key(0), 'p', 'r1');
		memory.completed(key(0), 'r1');
		memory.answered(key(0), { data: 'a', requestId: 'r1' });
		now = 499;
		expect(memory.answer(key(0), 'r1')?.data).toBe('a');
		now = 500;
		expect(memory.answer(key(0), 'r1')).toBeUndefined();
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

const binary = (data: string, id?: string) => ({ data, id, mimeType: 'audio/wav', fileName: 'a.wav' });
const context = (input: object[] = [{}], retryOnFail = false) =>
	({
		getExecutionId: () => 'e1',
		getNode: () => ({ name: 'Audio', retryOnFail }),
		getInputData: () => input,
	}) as unknown as IExecuteFunctions;
const params = (over: Partial<JobParams>) =>
	({ audioSource: 'url', audioUrl: 'https://a.example/x.mp3', binaryPropertyName: 'data', request: { prompt: 'p', model: 'm/x' }, ...over }) as JobParams;

describe('RememberedItem', () => {
	test('keeps a completed answer only where n8n will run the node again (Retry On Fail)', () => {
		const memory = new JobMemory();
		const answer = { data: { output: 'paid' }, requestId: 'r1' };
		const once = new RememberedItem(context([{}], false), 0, 'print', memory);
		once.submitted('r1');
		once.completed('r1');
		once.answered(answer);
		expect(memory.answerBytes).toBe(0);
		expect(once.answer('r1')).toBeUndefined();
		const retried = new RememberedItem(context([{}], true), 0, 'print', memory);
		retried.answered(answer);
		expect(memory.answerBytes).toBeGreaterThan(0);
		expect(retried.answer('r1')).toEqual(answer);
	});

	test('a job whose answer exists or that may still run stays for a retry; one that never ran or stopped is forgotten', () => {
		const memory = new JobMemory();
		const item = (n: number) => new RememberedItem(context(), n, 'print', memory);
		const fates: JobFate[] = [
			{ kind: 'completed' },
			{ kind: 'cancel', answer: 'requested', seenAs: 'queued' },
			{ kind: 'cancel', answer: 'failed', seenAs: 'running' },
			{ kind: 'cancel', answer: 'requested', seenAs: 'running' },
			{ kind: 'cancel', answer: 'requested', seenAs: 'running', ended: 'stopped' },
			{ kind: 'cancel', answer: 'completed', seenAs: 'running' },
			{ kind: 'endedUnstarted' },
			{ kind: 'cancel', answer: 'unknown', seenAs: 'unseen' },
		];
		fates.forEach((fate, n) => {
			item(n).submitted(`r${n}`);
			item(n).failed(fate);
		});
		const kept = fates.map((_, n) => item(n).recall()?.requestId);
		expect(kept).toEqual(['r0', undefined, 'r2', 'r3', undefined, 'r5', undefined, undefined]);
	});
});

describe('requestFingerprint', () => {
	test('a URL item is known by its URL and request; a changed prompt or webhook is another request', () => {
		const ctx = context();
		const base = requestFingerprint(ctx, 0, params({}));
		expect(requestFingerprint(ctx, 0, params({}))).toBe(base);
		expect(requestFingerprint(ctx, 0, params({ audioUrl: 'https://a.example/y.mp3' }))).not.toBe(base);
		expect(requestFingerprint(ctx, 0, params({ request: { prompt: 'q', model: 'm/x' } }))).not.toBe(base);
		expect(requestFingerprint(ctx, 0, params({}), 'https://hook.example/x')).not.toBe(base);
	});

	test('a binary item is known by its stored ID, or by the bytes of inline data', () => {
		const binaryParams = params({ audioSource: 'binary' });
		const of = (file: object) => requestFingerprint(context([{ binary: { data: file } }]), 0, binaryParams);
		expect(of(binary('AAAA'))).toBe(of(binary('AAAA')));
		expect(of(binary('AAAA'))).not.toBe(of(binary('AAAB')));
		expect(of(binary('', 'filesystem-v2:1'))).not.toBe(of(binary('', 'filesystem-v2:2')));
	});
});
