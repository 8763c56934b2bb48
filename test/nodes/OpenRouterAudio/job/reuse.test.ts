import type { IExecuteFunctions } from 'n8n-workflow';

import { JobMemory } from '../../../../nodes/OpenRouterAudio/job/memory';
import type { JobFate } from '../../../../nodes/OpenRouterAudio/job/failure';
import { RememberedItem, requestFingerprint } from '../../../../nodes/OpenRouterAudio/job/reuse';
import type { JobParams } from '../../../../nodes/OpenRouterAudio/params/job';

const binary = (data: string, id?: string) => ({ data, id, mimeType: 'audio/wav', fileName: 'a.wav' });
const context = (input: object[] = [{}]) =>
	({
		getExecutionId: () => 'e1',
		getNode: () => ({ name: 'Audio' }),
		getInputData: () => input,
	}) as unknown as IExecuteFunctions;
const params = (over: Partial<JobParams>) =>
	({ audioSource: 'url', audioUrl: 'https://a.example/x.mp3', binaryPropertyName: 'data', request: { prompt: 'p', model: 'm/x' }, ...over }) as JobParams;

describe('RememberedItem', () => {
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
