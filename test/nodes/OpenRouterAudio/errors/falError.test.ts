import { ApiError, ValidationError } from '@fal-ai/client';
import { ExpressionError, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../../../nodes/OpenRouterAudio/errors/falError';
import { FalRequestFailed } from '../../../../nodes/OpenRouterAudio/transport/attempts';
import { node } from '../../../tools/harness';

describe('toNodeError', () => {
	// The key itself never reaches this point: fal's answers lose it as they arrive (transport/attempts.test.ts).
	test('401 says the key was refused and how to fix it', () => {
		const error = toNodeError(node, new ApiError({ message: 'bad key', status: 401, body: { detail: 'bad key' } }), 4);
		expect(error).toBeInstanceOf(NodeApiError);
		// An ApiError the fetch layer did not make has no known host.
		expect(error.message).toBe('fal refused the API key (HTTP 401 from fal) [item 4]');
		expect(error.description).toMatch(/Fal API credential/);
		expect((error as NodeApiError).httpCode).toBe('401');
		expect(error.context.itemIndex).toBe(4);
	});

	test('422 names the rejected field as the node shows it', () => {
		const validation = new ValidationError({
			message: 'Unprocessable Entity',
			status: 422,
			body: { detail: [{ loc: ['body', 'temperature'], msg: 'Input should be less than or equal to 2', type: 'less_than_equal' }] },
		});
		const error = toNodeError(node, validation, 0);
		expect(error.message).toBe('fal rejected the input: "Temperature" (Options): Input should be less than or equal to 2 (HTTP 422 from fal) [item 0]');
		expect((error as NodeApiError).httpCode).toBe('422');
	});

	test('a 422 is classified by its type and body, never by its status', () => {
		// A plain ApiError (one built from a request history entry) with fal's validation body reads as a rejection.
		const listed = new ApiError({ message: 'HTTP 422', status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }] } });
		expect(toNodeError(node, listed, 0).message).toBe('fal rejected the input: "Prompt": Field required (HTTP 422 from fal) [item 0]');
		// Without that body it is fal's error as it is, not a crash reading field errors that are not there.
		for (const body of [undefined, { detail: { reason: 'codec' } }, { detail: [] }, { message: 'Unprocessable' }]) {
			const error = toNodeError(node, new ApiError({ message: 'HTTP 422', status: 422, body }), 0);
			expect(error.message).toMatch(/^fal returned an error: .+ \(HTTP 422 from fal\) \[item 0\]$/);
		}
	});

	test('500 keeps fal\'s own message', () => {
		const error = toNodeError(node, new ApiError({ message: 'Internal', status: 500, body: { detail: 'model crashed' } }), 1);
		expect(error.message).toBe('fal failed to process the request: model crashed (HTTP 500 from fal) [item 1]');
	});

	test.each([
		['User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.', 'The fal account is locked: Exhausted balance'],
		['User is locked. Reason: Admin lock.', 'The fal account is locked: Admin lock'],
		['Admin lock', 'The fal account is locked'],
		['Insufficient balance', 'The fal account is locked'],
	])('403 "%s" is a locked account, never a wrong key', (detail, message) => {
		const error = toNodeError(node, new ApiError({ message: 'Forbidden', status: 403, body: { detail } }), 0);
		expect(error.message).toBe(`${message} (HTTP 403 from fal) [item 0]`);
		expect(error.description).toContain(`fal said: "${detail}"`);
		expect(error.description).toContain('https://fal.ai/dashboard/billing');
		expect(error.description).toMatch(/The API key itself is fine/);
		expect(`${error.message} ${error.description}`).not.toMatch(/mistyped|refused the API key/);
	});

	test('another 403 is fal refusing the request, with its detail, not the key being wrong', () => {
		const error = toNodeError(node, new ApiError({ message: 'Forbidden', status: 403, body: { detail: 'Blocked by policy' } }), 0);
		expect(error.message).toBe('fal refused the request: Blocked by policy (HTTP 403 from fal) [item 0]');
		expect(error.description).toMatch(/not necessarily a wrong key/);
	});

	test('a 4xx from the signed upload URL is the upload refused, with the host it came from, and no word of the key', () => {
		const info = { kind: 'upload' as const, type: 'http' as const, host: 'uploads.example', attempts: 1, status: 403, excerpt: 'Request has expired', uncertain: false };
		const error = toNodeError(node, new FalRequestFailed(info), 0);
		expect(error.message).toBe('The audio upload was refused (HTTP 403 from uploads.example) [item 0]');
		expect(error.description).toMatch(/^uploads\.example refused the audio file at the upload address fal gave for it\./);
		expect(error.description).toMatch(/refused once it has expired or when its signature does not match\. The upload answered: "Request has expired"\./);
		expect(error.description).toMatch(/no job was started for this item; nothing was paid for it/);
		expect(`${error.message} ${error.description}`).not.toMatch(/key|credential|scope/i);
	});

	test('rate limiting past the retries names the "Max Concurrent Jobs" field', () => {
		const info = { kind: 'submit' as const, type: 'http' as const, host: 'queue.fal.run', attempts: 4, status: 429, retryAfterMs: 2000, uncertain: false };
		const error = toNodeError(node, new FalRequestFailed(info), 0);
		expect(error.message).toBe('fal is rate limiting requests (HTTP 429 from queue.fal.run) [item 0]');
		expect(error.description).toMatch(/Lower "Max Concurrent Jobs" under Options/);
		expect(error.description).not.toMatch(/"Concurrency"/);
	});

	test('a network failure the fetch layer gave up on names the cause: cannot connect, nothing reached fal', () => {
		const info = { kind: 'status' as const, type: 'connect' as const, host: 'queue.fal.run', attempts: 4, code: 'ECONNREFUSED', uncertain: false };
		const error = toNodeError(node, new FalRequestFailed(info), 2);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Could not connect to fal (queue.fal.run) [item 2]');
		expect(error.description).toMatch(/^No connection could be made \(ECONNREFUSED\); nothing reached fal\. The request was sent 4 times\./);
	});

	test('an unknown error keeps its cause in the description, where n8n does not replace it', () => {
		const error = toNodeError(node, new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }), 2);
		expect(error.message).toBe('The request to fal failed [item 2]');
		expect(error.description).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:9');
	});

	test('an expression error in a field stays n8n\'s own expression error', () => {
		const original = new ExpressionError('invalid syntax');
		expect(toNodeError(node, original, 0)).toBe(original);
	});

	test('n8n errors pass through unchanged', () => {
		const original = new NodeOperationError(node, 'already clear');
		expect(toNodeError(node, original, 0)).toBe(original);
	});
});
