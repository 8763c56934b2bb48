import type { IExecuteFunctions } from 'n8n-workflow';

import { JobMemory } from '../../../../nodes/OpenRouterAudio/job/memory';
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
	test('a completed job stays for a retry; a cancelled one is forgotten; one whose cancel got no answer stays', () => {
		const memory = new JobMemory();
		const item = (n: number) => new RememberedItem(context(), n, 'print', memory);
		for (const n of [0, 1, 2]) item(n).submitted(`r${n}`);
		item(0).completed('r0');
		item(0).failed({ completed: true });
		item(1).failed({ completed: false, cancel: 'cancelled' });
		item(2).failed({ completed: false, cancel: 'failed' });
		expect(item(0).recall()).toEqual({ requestId: 'r0', completed: true });
		expect(item(1).recall()).toBeUndefined();
		expect(item(2).recall()).toEqual({ requestId: 'r2', completed: false });
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
