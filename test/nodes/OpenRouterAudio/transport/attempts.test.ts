import { ApiError, createFalClient, isRetryableError, ValidationError } from '@fal-ai/client';

import { Redactor } from '../../../../nodes/OpenRouterAudio/lib/redact';
import { attemptingFetch, FalRequestFailed, originOf, parseRetryAfter, requestKind, retryDelay, UploadUrls } from '../../../../nodes/OpenRouterAudio/transport/attempts';
import { keyRedactor } from '../../../../nodes/OpenRouterAudio/transport/session';

// Unit tests of the one retry layer with a scripted network (`base`). The engine tests drive the same
// layer against the emulator; here each attempt's outcome is chosen exactly.

const SUBMIT = 'https://queue.fal.run/openrouter/router/audio';
const STATUS = 'https://queue.fal.run/openrouter/router/requests/abc/status?logs=0';
const RESULT = 'https://queue.fal.run/openrouter/router/requests/abc';
// fal's docs do not name the host of the signed upload URL: any host, known only from the initiation's answer.
const INITIATE = 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3';
const UPLOAD = 'https://uploads.object-storage.example/fal-cdn/tok?X-Signature=abc';

type Step = Response | Error;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const netError = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

function scripted(steps: Step[]) {
	const calls: string[] = [];
	const base = (async (input: RequestInfo | URL, init?: RequestInit) => {
		calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
		const step = steps.shift();
		if (!step) throw new Error('no more steps');
		if (step instanceof Error) throw step;
		return step;
	}) as typeof fetch;
	return { base, calls };
}

const fast = (maxRetries: number, remainingMs = Infinity) => ({
	policy: { maxRetries, baseDelayMs: 1, maxDelayMs: 5 },
	signal: new AbortController().signal,
	remainingMs: () => remainingMs,
	redactor: new Redactor([]),
});

async function failure(promise: Promise<unknown>): Promise<FalRequestFailed> {
	const error = await promise.then(() => undefined, (e: unknown) => e);
	expect(error).toBeInstanceOf(FalRequestFailed);
	return error as FalRequestFailed;
}

describe('requestKind', () => {
	test.each([
		['POST', SUBMIT, 'submit'],
		['GET', STATUS, 'status'],
		['GET', 'https://queue.fal.run/openrouter/router/requests/abc/status/stream?logs=0', 'stream'],
		['GET', RESULT, 'result'],
		['PUT', 'https://queue.fal.run/openrouter/router/requests/abc/cancel', 'cancel'],
		['GET', 'https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=x', 'history'],
		['POST', 'https://rest.alpha.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 'initiate'],
		['POST', 'https://rest.alpha.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3', 'initiate'],
		// Not by host: a fal CDN URL is no upload unless an initiation answered it.
		['PUT', 'https://v3.fal.media/files/upload/tok', 'other'],
		['PUT', UPLOAD, 'other'],
	])('%s %s is %s', (method, url, kind) => {
		expect(requestKind(url, method)).toBe(kind);
	});

	test('an upload is the URL an initiation answered, its parts and its completion; nothing else on its host', () => {
		const uploads = new UploadUrls();
		uploads.learn(JSON.stringify({ upload_url: UPLOAD, file_url: 'https://v3.fal.media/files/b/tok/a.wav' }));
		uploads.learn('not json');
		const kind = (url: string, method = 'PUT') => requestKind(url, method, uploads);
		expect(kind(UPLOAD)).toBe('upload');
		expect(kind('https://uploads.object-storage.example/fal-cdn/tok/1?X-Signature=abc')).toBe('upload');
		expect(kind('https://uploads.object-storage.example/fal-cdn/tok/complete?X-Signature=abc', 'POST')).toBe('upload');
		expect(kind('https://uploads.object-storage.example/fal-cdn/other')).toBe('other');
		expect(kind('https://uploads.object-storage.example/fal-cdn/tok2')).toBe('other');
		expect(kind('https://v3.fal.media/files/b/tok/a.wav', 'GET')).toBe('other');
	});
});

describe('attempts of one request', () => {
	test('Max Retries N is at most N+1 attempts, then an error the fal client does not retry', async () => {
		const { base, calls } = scripted(Array.from({ length: 10 }, () => json(503, { detail: 'busy' })));
		const error = await failure(attemptingFetch(base, fast(2))(STATUS));
		expect(calls).toHaveLength(3);
		expect(error.info).toMatchObject({ kind: 'status', type: 'http', status: 503, attempts: 3 });
		expect(isRetryableError(error, [429, 500, 502, 503, 504])).toBe(false);
	});

	test('through the real fal client: Max Retries 0 on a 503 storm is one request, not the client\'s 4 or 6', async () => {
		const { base, calls } = scripted(Array.from({ length: 10 }, () => json(503, { detail: 'busy' })));
		const client = createFalClient({ credentials: 'k', fetch: attemptingFetch(base, fast(0)) });
		await failure(client.queue.status('openrouter/router/audio', { requestId: 'abc' }));
		await failure(client.queue.submit('openrouter/router/audio', { input: { prompt: 'x', model: 'm', audio_url: 'https://a.example/x.mp3' } }));
		expect(calls).toHaveLength(2);
	});

	test('Retry-After (seconds) is honoured between attempts', async () => {
		const { base, calls } = scripted([json(429, {}, { 'retry-after': '1' }), json(200, { ok: true })]);
		const started = Date.now();
		const response = await attemptingFetch(base, fast(1))(STATUS);
		expect(await response.json()).toEqual({ ok: true });
		expect(calls).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	test('a Retry-After longer than the item has left ends the attempts at once', async () => {
		const { base, calls } = scripted([json(429, {}, { 'retry-after': '120' }), json(200, {})]);
		const error = await failure(attemptingFetch(base, fast(3, 5000))(STATUS));
		expect(calls).toHaveLength(1);
		expect(error.info).toMatchObject({ status: 429, retryAfterMs: 120_000 });
	});

	test('reads are retried on 500 and dropped connections; a refusal the client reports is its own ApiError, with its origin', async () => {
		const { base, calls } = scripted([json(500, {}), netError('UND_ERR_SOCKET'), json(404, { detail: 'nope' }, { 'x-fal-request-id': 'abc' })]);
		const error = await attemptingFetch(base, fast(5))(RESULT).then(() => undefined, (e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ status: 404, body: { detail: 'nope' }, requestId: 'abc' });
		expect(originOf(error)).toEqual({ kind: 'result', host: 'queue.fal.run' });
		expect(calls).toHaveLength(3);
	});

	test('2xx JSON that does not parse is "unreadable", with a short excerpt', async () => {
		const bad = () => new Response('{"status":"COMPL', { status: 200, headers: { 'content-type': 'application/json' } });
		const error = await failure(attemptingFetch(scripted([bad(), bad()]).base, fast(1))(STATUS));
		expect(error.info).toMatchObject({ type: 'unreadable', excerpt: '{"status":"COMPL' });
	});
});

describe('a submit is repeated only when fal certainly did not create the job', () => {
	test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('connection error %s before sending: retried', async (code) => {
		const { base, calls } = scripted([netError(code), json(200, { request_id: 'r1' })]);
		const response = await attemptingFetch(base, fast(1))(SUBMIT, { method: 'POST', body: '{}' });
		expect(await response.json()).toEqual({ request_id: 'r1' });
		expect(calls).toHaveLength(2);
	});

	test.each([429, 503])('HTTP %i: retried', async (status) => {
		const { base, calls } = scripted([json(status, {}), json(200, { request_id: 'r1' })]);
		await attemptingFetch(base, fast(1))(SUBMIT, { method: 'POST', body: '{}' });
		expect(calls).toHaveLength(2);
	});

	test.each([500, 502, 504])('HTTP %i: not retried, reported as uncertain', async (status) => {
		const { base, calls } = scripted([json(status, {}), json(200, { request_id: 'r1' })]);
		const error = await failure(attemptingFetch(base, fast(3))(SUBMIT, { method: 'POST', body: '{}' }));
		expect(calls).toHaveLength(1);
		expect(error.info).toMatchObject({ kind: 'submit', uncertain: true, status });
	});

	test('a connection that broke after sending: not retried, uncertain', async () => {
		const { base, calls } = scripted([netError('UND_ERR_SOCKET'), json(200, {})]);
		const error = await failure(attemptingFetch(base, fast(3))(SUBMIT, { method: 'POST', body: '{}' }));
		expect(calls).toHaveLength(1);
		expect(error.info).toMatchObject({ type: 'lost', uncertain: true, code: 'UND_ERR_SOCKET' });
	});

	test('a 2xx whose body cannot be read: not retried, uncertain', async () => {
		const broken = new Response(new ReadableStream({ start: (c) => c.error(netError('UND_ERR_SOCKET')) }), { status: 200 });
		const { base, calls } = scripted([broken, json(200, {})]);
		const error = await failure(attemptingFetch(base, fast(3))(SUBMIT, { method: 'POST', body: '{}' }));
		expect(calls).toHaveLength(1);
		expect(error.info).toMatchObject({ type: 'lost', uncertain: true });
	});

	test('a Stop does not abort a submit on the wire, only further attempts', async () => {
		const stop = new AbortController();
		let seen: AbortSignal | undefined;
		const base = (async (_input: RequestInfo | URL, init?: RequestInit) => {
			seen = init?.signal ?? undefined;
			stop.abort();
			return json(200, { request_id: 'r1' });
		}) as typeof fetch;
		const ctx = { ...fast(1), signal: stop.signal };
		const response = await attemptingFetch(base, ctx)(SUBMIT, { method: 'POST', body: '{}' });
		expect(await response.json()).toEqual({ request_id: 'r1' });
		expect(seen?.aborted ?? false).toBe(false);
	});
});

describe('fal\'s refusals, through the real fal client, know the request they answer', () => {
	const input = { prompt: 'x', model: 'm', audio_url: 'https://a.example/x.mp3' };
	const caught = async (promise: Promise<unknown>) => await promise.then(() => undefined, (e: unknown) => e);

	test('a 403 to the submit: the client\'s ApiError, not retried, from queue.fal.run', async () => {
		const { base, calls } = scripted([json(403, { detail: 'User is locked. Reason: Exhausted balance.' }), json(200, { request_id: 'r1' })]);
		const client = createFalClient({ credentials: 'k', fetch: attemptingFetch(base, fast(3)) });
		const error = await caught(client.queue.submit('openrouter/router/audio', { input }));
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ status: 403, body: { detail: 'User is locked. Reason: Exhausted balance.' } });
		expect(originOf(error)).toEqual({ kind: 'submit', host: 'queue.fal.run' });
		expect(calls).toHaveLength(1);
	});

	test('a 403 to the storage upload initiation: from rest.fal.ai, nothing uploaded', async () => {
		const { base, calls } = scripted([json(403, { detail: 'User is locked. Reason: Admin lock.' })]);
		const client = createFalClient({ credentials: 'k', fetch: attemptingFetch(base, fast(3)) });
		const error = await caught(client.storage.upload(new Blob(['RIFF'], { type: 'audio/wav' })));
		expect(originOf(error)).toEqual({ kind: 'initiate', host: 'rest.fal.ai' });
		expect(calls).toEqual([`POST ${INITIATE}`]);
	});

	test('a 422 stays the client\'s ValidationError with its field errors; a non-JSON 401 an ApiError with no body', async () => {
		const detail = [{ loc: ['body', 'prompt'], msg: 'bad', type: 'value_error' }];
		const invalid = await caught(attemptingFetch(scripted([json(422, { detail })]).base, fast(0))(SUBMIT, { method: 'POST', body: '{}' }));
		expect(invalid).toBeInstanceOf(ValidationError);
		expect((invalid as ValidationError).fieldErrors).toEqual(detail);
		const text = new Response('no', { status: 401, statusText: 'Unauthorized', headers: { 'content-type': 'text/plain' } });
		const refused = await caught(attemptingFetch(scripted([text]).base, fast(0))(STATUS));
		expect(refused).toBeInstanceOf(ApiError);
		expect(refused).toMatchObject({ status: 401, message: 'HTTP 401: Unauthorized', body: undefined });
		expect(originOf(refused)).toEqual({ kind: 'status', host: 'queue.fal.run' });
	});

	test('the request history is read by the node itself: its refusal is handed back as the answer', async () => {
		const response = await attemptingFetch(scripted([json(403, { detail: 'no' })]).base, fast(0))('https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=x');
		expect(response.status).toBe(403);
	});
});

describe('the upload is the request to the URL fal\'s initiation answered, whatever its host', () => {
	const initiated = () => json(200, { upload_url: UPLOAD, file_url: 'https://v3.fal.media/files/b/tok/a.wav' });
	const upload = async (steps: Step[], retries = 3) => {
		const { base, calls } = scripted(steps);
		const client = createFalClient({ credentials: 'k', fetch: attemptingFetch(base, fast(retries)) });
		const error = await client.storage.upload(new Blob(['RIFF'], { type: 'audio/wav' })).then(() => undefined, (e: unknown) => e);
		return { error, calls };
	};

	test('a 403 from it is the upload refused, not retried, never passed on as the key being refused', async () => {
		const { error, calls } = await upload([initiated(), new Response('<Error>AccessDenied</Error>', { status: 403 }), json(200, {})]);
		expect(error).toBeInstanceOf(FalRequestFailed);
		expect((error as FalRequestFailed).info).toMatchObject({ kind: 'upload', type: 'http', status: 403, host: 'uploads.object-storage.example' });
		expect(calls).toEqual([`POST ${INITIATE}`, `PUT ${UPLOAD}`]);
	});

	test('a 503 from it is retried like any upload', async () => {
		const { error, calls } = await upload([initiated(), json(503, {}), json(200, {})]);
		expect(error).toBeUndefined();
		expect(calls).toEqual([`POST ${INITIATE}`, `PUT ${UPLOAD}`, `PUT ${UPLOAD}`]);
	});

	test('an upload that failed for good is not sent again (the client\'s own part retries), and its failure is kept for the caller', async () => {
		const uploads = new UploadUrls();
		const { base, calls } = scripted([initiated(), new Response('denied', { status: 403 }), json(200, {})]);
		const fetchOnce = attemptingFetch(base, fast(3), uploads);
		await fetchOnce(INITIATE, { method: 'POST', body: '{}' });
		const part = (n: number) => `https://uploads.object-storage.example/fal-cdn/tok/${n}?X-Signature=abc`;
		const refused = await fetchOnce(part(1), { method: 'PUT', body: 'x' }).then(() => undefined, (e: unknown) => e);
		expect(refused).toBeInstanceOf(FalRequestFailed);
		expect(uploads.failure).toBe(refused);
		// The client tries the part again, and then the next: neither reaches the network, both get the refusal.
		for (const url of [part(1), part(2)]) await expect(fetchOnce(url, { method: 'PUT', body: 'x' })).rejects.toBe(refused);
		expect(calls).toEqual([`POST ${INITIATE}`, `PUT ${part(1)}`]);
	});

	test('the same 403 from a URL no initiation answered is a refusal the client reports (with its origin)', async () => {
		const error = await attemptingFetch(scripted([new Response('denied', { status: 403 })]).base, fast(3))(UPLOAD, { method: 'PUT', body: 'x' }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(ApiError);
		expect(originOf(error)).toEqual({ kind: 'other', host: 'uploads.object-storage.example' });
	});
});

describe('the API key never comes back: every answer loses it as it arrives', () => {
	const KEY = 'fal-key-5b1f0c9e:9d8c7b6a5f4e3d2c1b0a';
	const keyed = { ...fast(0), redactor: keyRedactor(KEY) };
	const echo = `you sent Key ${KEY} (${encodeURIComponent(KEY)})`;

	test('a refusal that echoes it, in its body and headers, becomes an error without it', async () => {
		const answer = json(400, { detail: echo }, { 'x-fal-request-id': echo });
		const client = createFalClient({ credentials: KEY, fetch: attemptingFetch(scripted([answer]).base, keyed) });
		const error = await client.queue.submit('openrouter/router/audio', { input: { prompt: 'x', model: 'm', audio_url: 'https://a.example/x.mp3' } }).then(() => undefined, (e: unknown) => e);
		expect(error).toMatchObject({ status: 400, body: { detail: 'you sent *** (***)' }, requestId: 'you sent *** (***)' });
		expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(KEY.split(':')[1]);
	});

	test('an answer handed to the client, a failure\'s excerpt and the status stream lose it too', async () => {
		const answer = await attemptingFetch(scripted([json(200, { output: echo })]).base, keyed)(RESULT);
		expect(await answer.json()).toEqual({ output: 'you sent *** (***)' });
		const failed = await failure(attemptingFetch(scripted([json(500, { detail: echo })]).base, keyed)(RESULT));
		expect(failed.info.excerpt).toBe('you sent *** (***)');
		const sse = new Response(`data: {"status":"IN_QUEUE","logs":[{"message":"${echo}"}]}\n\n`, { headers: { 'content-type': 'text/event-stream' } });
		const stream = await attemptingFetch(scripted([sse]).base, keyed)('https://queue.fal.run/openrouter/router/requests/abc/status/stream');
		expect(await stream.text()).toBe('data: {"status":"IN_QUEUE","logs":[{"message":"you sent *** (***)"}]}\n\n');
	});
});

// The retry policy: the wait before each retry.
const backoff = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000 };

describe('retryDelay', () => {
	test('grows exponentially with jitter inside [ceiling/2, ceiling]', () => {
		expect(retryDelay(0, backoff, undefined, () => 0)).toBe(50);
		expect(retryDelay(0, backoff, undefined, () => 1)).toBe(100);
		expect(retryDelay(3, backoff, undefined, () => 1)).toBe(800);
		expect(retryDelay(20, backoff, undefined, () => 1)).toBe(10_000);
	});

	test("the server's Retry-After wins, also above the backoff ceiling (the item's time caps it)", () => {
		expect(retryDelay(0, backoff, 2000)).toBe(2000);
		expect(retryDelay(0, backoff, 60_000)).toBe(60_000);
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
