import { anySignal } from '../lib/signals';
import type { Redactor } from '../lib/redact';
import { excerpt } from '../lib/text';
import { sleepLong } from '../lib/timers';
import { ApiError, ValidationError } from './client';

// The one retry layer. The fal client retries inside each call by itself (submit 3 times, status 5 times)
// and its ApiError drops Retry-After, so attempts are made here, in the fetch the client is given: this
// fetch hands the client only 2xx answers; fal's refusals it must not retry (4xx other than 408/429) it
// throws as the client's own ApiError, marked with the request they answer (originOf), and when it gives
// up it throws FalRequestFailed, which the client does not retry either (not an ApiError, not a TypeError,
// no network `code` on a `cause` chain). "Max Retries" N is then N+1 attempts of one request.
//
// It is also the one boundary that keeps the API key out of everything the node shows. The key leaves the
// node only in the Authorization header and can come back only in what fal answers (fal echoes a header it
// refused, a model repeats text); so every answer, status stream included, has the key removed from its headers
// and body here, as it arrives, before the client, an error message, an output item or a file reads it.

/** The retry policy of one item: how many attempts one request gets and how long to wait between them. */
export interface RetryPolicy {
	/** Retries after the first attempt of one HTTP request: at most maxRetries + 1 attempts in total. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
	baseDelayMs: 500,
	maxDelayMs: 15_000,
};

/** Retry-After in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
	if (header === null || header.trim() === '') return undefined;
	const text = header.trim();
	const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
	return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** Exponential backoff with jitter inside [ceiling/2, ceiling]; the server's Retry-After when it gave one. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return retryAfterMs;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** What a request to fal is (test/tools/emulator/http.js classifies the same way). */
export type RequestKind = 'submit' | 'status' | 'stream' | 'result' | 'cancel' | 'history' | 'initiate' | 'upload' | 'other';

/**
 * The signed upload URLs fal's storage initiations answered. fal's docs name the CDN's host for the uploaded file
 * (fal.ai/docs/documentation/model-apis/fal-cdn: https://v3.fal.media/files/...) but not the host of the
 * `upload_url` the initiation answers, so an upload is known by that URL, never by a host. The fal client sends
 * the bytes to it (PUT), or, multipart, to `<upload_url>/<part>` and `<upload_url>/complete` (@fal-ai/client
 * 1.10.1, src/storage.js), all on the same origin and path.
 *
 * It also keeps how an upload failed. The client retries a failed part by itself (three times, whatever the
 * error) and then throws its own "Part upload failed, retries exhausted", which names no cause: so a request to
 * an upload that has failed is not sent again (the attempts here already gave it its retries, and a signed URL
 * that refused once refuses again), and the failure is kept for whoever called the upload (session.ts uploadFile).
 */
export class UploadUrls {
	/** Each upload URL answered (origin and path), with how it failed, if it did. */
	private readonly known = new Map<string, FalRequestFailed | undefined>();
	private first: FalRequestFailed | undefined;

	/** Remembers the `upload_url` of an initiation's answer (its JSON text); anything else is ignored. */
	learn(answer: string): void {
		let uploadUrl: unknown;
		try {
			uploadUrl = (JSON.parse(answer) as { upload_url?: unknown } | null)?.upload_url;
		} catch {
			return;
		}
		if (typeof uploadUrl !== 'string') return;
		try {
			const url = new URL(uploadUrl);
			this.known.set(url.origin + url.pathname.replace(/\/+$/, ''), undefined);
		} catch {
			// not a URL: the client fails on it by itself
		}
	}

	/** The upload `url` is, or is a part of; undefined when it is none. */
	private uploadOf(url: URL): string | undefined {
		const at = url.origin + url.pathname.replace(/\/+$/, '');
		for (const known of this.known.keys()) if (at === known || at.startsWith(`${known}/`)) return known;
		return undefined;
	}

	/** Whether `url` is one of the upload URLs answered, or a part of it. */
	has(url: URL): boolean {
		return this.uploadOf(url) !== undefined;
	}

	/** A request to the upload of `url` failed for good: the upload is not asked again. */
	failed(url: URL, failure: FalRequestFailed): void {
		const upload = this.uploadOf(url);
		if (upload === undefined || this.known.get(upload)) return;
		this.known.set(upload, failure);
		this.first ??= failure;
	}

	/** How the upload of `url` failed, if it did. */
	failureOf(url: URL): FalRequestFailed | undefined {
		const upload = this.uploadOf(url);
		return upload === undefined ? undefined : this.known.get(upload);
	}

	/** The first upload failure seen: the cause of an upload the client reports without one. */
	get failure(): FalRequestFailed | undefined {
		return this.first;
	}
}

/** What a request is, from its URL and method, and the upload URLs fal answered to this fetch. */
export function requestKind(url: string, method: string, uploads?: UploadUrls): RequestKind {
	const parsed = new URL(url);
	const { host, pathname } = parsed;
	const m = method.toUpperCase();
	if (uploads?.has(parsed)) return 'upload';
	if (host === 'queue.fal.run') {
		const tail = /\/requests\/[^/]+(\/status\/stream|\/status|\/cancel)?\/?$/.exec(pathname);
		if (tail?.[1] === '/status/stream') return 'stream';
		if (tail?.[1] === '/status') return 'status';
		if (tail?.[1] === '/cancel') return 'cancel';
		if (tail) return 'result';
		if (m === 'POST') return 'submit';
	}
	if (host === 'api.fal.ai' && pathname.startsWith('/v1/models/requests')) return 'history';
	if (/(^|\.)fal\.ai$/.test(host) && pathname.startsWith('/storage/upload/initiate')) return 'initiate';
	return 'other';
}

/** The request an answer belongs to: what it was and the host that answered (the fal client's ApiError has no URL). */
export interface RequestOrigin {
	kind: RequestKind;
	host: string;
}

/**
 * How a request failed for good:
 * - connect: no connection (DNS, refused, unreachable, TLS): nothing reached fal;
 * - lost: the connection broke after the request was sent, or while its answer was read;
 * - http: fal kept answering with an error status that is worth retrying (408, 429, 5xx);
 * - unreadable: fal answered 2xx with a body that says JSON but does not parse.
 */
export type FailureType = 'connect' | 'lost' | 'http' | 'unreadable';

export interface FailureInfo {
	kind: RequestKind;
	type: FailureType;
	host: string;
	attempts: number;
	status?: number;
	/** The start of fal's answer, for the error message (without the key, like every answer). */
	excerpt?: string;
	retryAfterMs?: number;
	/** The network error code (ECONNREFUSED, UND_ERR_SOCKET, ...), when there was one. */
	code?: string;
	/** fal may have acted on the request: for a submit, a job may exist. */
	uncertain: boolean;
}

/** Thrown when the attempts of one request are used up, or a submit may have created a job. */
export class FalRequestFailed extends Error {
	override name = 'FalRequestFailed';

	/** The last underlying error, kept under a name the fal client's retry check does not walk. */
	readonly original: unknown;

	constructor(
		readonly info: FailureInfo,
		original?: unknown,
	) {
		super(`fal ${info.kind} request failed (${info.type}${info.status ? ` HTTP ${info.status}` : ''}${info.code ? ` ${info.code}` : ''})`);
		this.original = original;
	}
}

export interface AttemptContext {
	policy: RetryPolicy;
	/** Stops further attempts (and, except for a submit already on the wire, the request itself). */
	signal: AbortSignal;
	/** Time the item has left, in ms (Infinity: no limit): Retry-After waits never outlast it. */
	remainingMs: () => number;
	/** Removes the API key from every answer as it arrives, before anything reads it (see the top of this file). */
	redactor: Redactor;
}

const refusalOrigins = new WeakMap<object, RequestOrigin>();

/** The request an error of this layer is about: a FalRequestFailed, or a refusal it threw as an ApiError. */
export function originOf(error: unknown): RequestOrigin | undefined {
	if (error instanceof FalRequestFailed) return { kind: error.info.kind, host: error.info.host };
	return error !== null && typeof error === 'object' ? refusalOrigins.get(error) : undefined;
}

/**
 * fal's refusal of a request as the error the client's response handler makes of it (@fal-ai/client
 * 1.10.1, src/response.js: ValidationError for 422, else ApiError; fal's JSON body, its request ID),
 * made here, where the URL is known. Undefined when the body claims JSON but does not parse: the client
 * is then handed the answer and reports that as it always did.
 */
function refusal(answer: Received, origin: RequestOrigin): ApiError<unknown> | undefined {
	const { status, statusText, headers, text } = answer;
	const requestId = headers.get('x-fal-request-id') ?? undefined;
	const timeoutType = headers.get('x-fal-request-timeout-type') ?? undefined;
	let error: ApiError<unknown>;
	if ((headers.get('content-type') ?? '').includes('application/json')) {
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			return undefined;
		}
		const said = (body as { message?: unknown } | null)?.message;
		const ErrorType = status === 422 ? ValidationError : ApiError;
		error = new ErrorType({ message: typeof said === 'string' && said ? said : statusText, status, body, requestId, timeoutType });
	} else {
		error = new ApiError({ message: `HTTP ${status}: ${statusText}`, status, requestId, timeoutType });
	}
	refusalOrigins.set(error, origin);
	return error;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const isTlsCode = (code: string) => /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code);

/** The first network `code` on an error's cause chain. */
function networkCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

// Retried on every request: fal is busy (429) or its gateway is (503, before the app saw the request).
const ALWAYS_RETRIED = new Set([429, 503]);
// Retried where repeating is harmless (reads, cancel, uploads), never on a submit: fal may have queued a job.
const RETRIED_IF_IDEMPOTENT = new Set([408, 500, 502, 504]);

/** What fal said in an error body: its `detail` (or `message`) text, when it has one. */
export function falDetail(body: unknown): string | undefined {
	const said = body as { detail?: unknown; message?: unknown } | null | undefined;
	if (typeof said?.detail === 'string') return said.detail;
	return typeof said?.message === 'string' ? said.message : undefined;
}

/** fal's own `detail` (or `message`) when the answer is JSON that has one, else the start of the text. */
function falSaid(text: string): string {
	try {
		const said = falDetail(JSON.parse(text));
		if (said) return excerpt(said);
	} catch {
		// not JSON: the text itself
	}
	return excerpt(text);
}

async function readBody(response: Response): Promise<ArrayBuffer | null> {
	if ([204, 205, 304].includes(response.status)) return null;
	return await response.arrayBuffer();
}

/** An answer as read, with the API key removed from its headers and its body. */
interface Received {
	status: number;
	statusText: string;
	ok: boolean;
	headers: Headers;
	body: ArrayBuffer | null;
	text: string;
}

function scrubbedHeaders(headers: Headers, redactor: Redactor): Headers {
	const scrubbed = new Headers();
	headers.forEach((value, name) => scrubbed.append(name, redactor.text(value)));
	return scrubbed;
}

function received(response: Response, bytes: ArrayBuffer | null, redactor: Redactor): Received {
	const { status, statusText, ok } = response;
	const headers = scrubbedHeaders(response.headers, redactor);
	const raw = bytes ? new TextDecoder().decode(bytes) : '';
	const text = redactor.text(raw);
	if (text === raw) return { status, statusText, ok, headers, body: bytes, text };
	headers.delete('content-length');
	return { status, statusText, ok, headers, body: new TextEncoder().encode(text).buffer as ArrayBuffer, text };
}

function jsonBroken(answer: Received): boolean {
	if (!answer.text || !(answer.headers.get('content-type') ?? '').includes('application/json')) return false;
	try {
		JSON.parse(answer.text);
		return false;
	} catch {
		return true;
	}
}

/** fal's start timeout passed before any runner started the job (docs "Platform headers", X-Fal-Request-Timeout). */
const endedByStartTimeout = (answer: Received) =>
	answer.status === 504 && answer.headers.get('x-fal-request-timeout-type')?.toLowerCase() === 'user';

/** The request one attempt makes: what it is, the host it goes to, and which attempt it is. */
interface Attempt {
	kind: RequestKind;
	host: string;
	attempts: number;
}

/**
 * What one attempt came to: an answer for the client (with its text, to learn upload URLs from), an error to
 * throw as it is (fal's refusal, or the abort of a stopped item), or a failure that may be tried again.
 */
type Outcome =
	| { answer: Response; text: string }
	| { thrown: unknown }
	| { failed: FalRequestFailed; again: boolean; retryAfterMs?: number };

/** A failure, tried again unless it is final or it may have created a job: the caller then reconciles. */
function failed(failure: FalRequestFailed, how: { final?: boolean; retryAfterMs?: number } = {}): Outcome {
	const again = !how.final && !(failure.info.kind === 'submit' && failure.info.uncertain);
	return { failed: failure, again, retryAfterMs: how.retryAfterMs };
}

/** No answer at all: no connection (nothing reached fal), or one that broke after the request was sent. */
function unanswered(attempt: Attempt, error: unknown): Outcome {
	const code = networkCode(error);
	const type: FailureType = code && (CONNECT_CODES.has(code) || isTlsCode(code)) ? 'connect' : 'lost';
	// A certificate problem does not go away by asking again.
	return failed(new FalRequestFailed({ ...attempt, type, code, uncertain: type === 'lost' }, error), { final: !!code && isTlsCode(code) });
}

/**
 * The answer for the client: 2xx, or a refusal it reports without retrying (401, 403, 404, 422, ...), thrown
 * here with its origin. The request history is read by the node itself (transport/history.ts), so its refusal
 * is an answer too, and so is a refusal whose JSON is broken: the client makes of it what it can.
 */
function handBack(answer: Received, attempt: Attempt): Outcome {
	const refused = !answer.ok && attempt.kind !== 'history' ? refusal(answer, { kind: attempt.kind, host: attempt.host }) : undefined;
	if (refused) return { thrown: refused };
	const { status, statusText, headers } = answer;
	return { answer: new Response(answer.body, { status, statusText, headers }), text: answer.text };
}

/** What a complete answer means: handed to the client, or a failure (retried or not). */
function judged(answer: Received, attempt: Attempt, retryAfterMs: number | undefined): Outcome {
	const { kind } = attempt;
	const { status } = answer;
	// Built only for a failure: an answer handed to the client is parsed there.
	const about = () => ({ ...attempt, status, excerpt: falSaid(answer.text) });
	// fal's final word: the job waited past its start timeout and never ran. Asking again changes nothing.
	if (endedByStartTimeout(answer)) return handBack(answer, attempt);
	if (answer.ok && jsonBroken(answer)) return failed(new FalRequestFailed({ ...about(), type: 'unreadable', uncertain: true }), { retryAfterMs });
	// fal may have queued the job before this error: never submit again blindly.
	if (kind === 'submit' && RETRIED_IF_IDEMPOTENT.has(status)) return failed(new FalRequestFailed({ ...about(), type: 'http', uncertain: true }), { retryAfterMs });
	if (ALWAYS_RETRIED.has(status) || (kind !== 'submit' && RETRIED_IF_IDEMPOTENT.has(status))) {
		return failed(new FalRequestFailed({ ...about(), type: 'http', retryAfterMs, uncertain: false }), { retryAfterMs });
	}
	// The upload URL fal's initiation answered refused the file: not the API key, and asking again does not help.
	if (kind === 'upload' && !answer.ok) return failed(new FalRequestFailed({ ...about(), type: 'http', uncertain: false }), { final: true });
	return handBack(answer, attempt);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = async <T>(promise: Promise<T>): Promise<Settled<T>> =>
	await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);

/** One attempt of a request: sent, its answer read and scrubbed of the key, and judged. */
async function attemptOnce(base: typeof fetch, input: RequestInfo | URL, init: RequestInit, attempt: Attempt, ctx: AttemptContext): Promise<Outcome> {
	const sent = await settle(base(input, init));
	if (!sent.ok) return init.signal?.aborted || ctx.signal.aborted ? { thrown: sent.error } : unanswered(attempt, sent.error);
	const response = sent.value;
	if (attempt.kind === 'stream' && response.ok) {
		const { status, statusText } = response;
		const body = response.body ? ctx.redactor.stream(response.body) : null;
		return { answer: new Response(body, { status, statusText, headers: scrubbedHeaders(response.headers, ctx.redactor) }), text: '' };
	}
	const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
	const read = await settle(readBody(response));
	if (read.ok) return judged(received(response, read.value, ctx.redactor), attempt, retryAfterMs);
	if (init.signal?.aborted) return { thrown: read.error };
	// The answer broke off while it was read: fal acted on the request.
	const lost = { ...attempt, type: 'lost' as const, status: response.status, code: networkCode(read.error), uncertain: true };
	return failed(new FalRequestFailed(lost, read.error), { retryAfterMs });
}

/**
 * A fetch for createFalClient that makes every attempt of each request itself (see the top of this file).
 * `base` is the real fetch; `ctx` is the item's: its retry policy, its stop signal, its time left and the key's
 * redactor. It learns the upload URLs of the storage initiations it makes, to know the uploads that follow, in
 * `uploads` (given by an upload that wants to know how it failed: session.ts uploadFile).
 */
export function attemptingFetch(base: typeof fetch, ctx: AttemptContext, uploads = new UploadUrls()): typeof fetch {
	return async (input, init) => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
		const kind = requestKind(url, method, uploads);
		const parsed = new URL(url);
		const { host } = parsed;
		// The fal client's own retry of a failed upload part: the attempts here were its retries.
		const uploadFailed = kind === 'upload' ? uploads.failureOf(parsed) : undefined;
		if (uploadFailed) throw uploadFailed;
		// A submit on the wire is not aborted by a Stop: its answer says which job to cancel (the caller
		// gives it its own, later signal). Every other request stops with the item.
		const signal = anySignal(init?.signal ?? undefined, kind === 'submit' ? undefined : ctx.signal);
		for (let attempt = 0; ; attempt++) {
			ctx.signal.throwIfAborted();
			const outcome = await attemptOnce(base, input, { ...init, signal }, { kind, host, attempts: attempt + 1 }, ctx);
			if ('answer' in outcome) {
				if (kind === 'initiate') uploads.learn(outcome.text);
				return outcome.answer;
			}
			if ('thrown' in outcome) throw outcome.thrown;
			const delay = outcome.again && attempt < ctx.policy.maxRetries ? retryDelay(attempt, ctx.policy, outcome.retryAfterMs) : undefined;
			if (delay === undefined || delay > ctx.remainingMs()) {
				if (kind === 'upload') uploads.failed(parsed, outcome.failed);
				throw outcome.failed;
			}
			await sleepLong(delay, ctx.signal);
		}
	};
}
