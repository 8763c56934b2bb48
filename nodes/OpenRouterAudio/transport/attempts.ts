import { anySignal } from '../lib/signals';
import { excerpt } from '../lib/text';
import { sleepLong } from '../lib/timers';
import { ApiError, ValidationError } from './client';

// The one retry layer. The fal client retries inside each call by itself (submit 3 times, status 5 times)
// and its ApiError drops Retry-After, so attempts are made here, in the fetch the client is given: this
// fetch hands the client only 2xx answers; fal's refusals it must not retry (4xx other than 408/429) it
// throws as the client's own ApiError, marked with the request they answer (originOf), and when it gives
// up it throws FalRequestFailed, which the client does not retry either (not an ApiError, not a TypeError,
// no network `code` on a `cause` chain). "Max Retries" N is then N+1 attempts of one request.

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

/** What a request to fal is, from its URL and method (test/tools/emulator/http.js classifies the same way). */
export type RequestKind = 'submit' | 'status' | 'stream' | 'result' | 'cancel' | 'history' | 'initiate' | 'upload' | 'other';

export function requestKind(url: string, method: string): RequestKind {
	const { host, pathname } = new URL(url);
	const m = method.toUpperCase();
	if (host === 'queue.fal.run') {
		const tail = /\/requests\/[^/]+(\/status\/stream|\/status|\/cancel)?\/?$/.exec(pathname);
		if (tail?.[1] === '/status/stream') return 'stream';
		if (tail?.[1] === '/status') return 'status';
		if (tail?.[1] === '/cancel') return 'cancel';
		if (tail) return 'result';
		if (m === 'POST') return 'submit';
	}
	if (host === 'api.fal.ai' && pathname.startsWith('/v1/models/requests')) return 'history';
	if (/(^|\.)fal\.ai$/.test(host) && pathname.startsWith('/storage/upload')) return 'initiate';
	if (/(^|\.)fal\.media$/.test(host)) return 'upload';
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
	/** The start of fal's answer, for the error message (scrubbed of the key where it is shown). */
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
function refusal(response: Response, text: string, origin: RequestOrigin): ApiError<unknown> | undefined {
	const { status, statusText, headers } = response;
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

function jsonBroken(response: Response, text: string): boolean {
	if (!text || !(response.headers.get('content-type') ?? '').includes('application/json')) return false;
	try {
		JSON.parse(text);
		return false;
	} catch {
		return true;
	}
}

/** fal's start timeout passed before any runner started the job (docs "Platform headers", X-Fal-Request-Timeout). */
const endedByStartTimeout = (response: Response) =>
	response.status === 504 && response.headers.get('x-fal-request-timeout-type')?.toLowerCase() === 'user';

/**
 * A fetch for createFalClient that makes every attempt of each request itself (see the top of this file).
 * `base` is the real fetch; `ctx` is the item's: its retry policy, its stop signal and its time left.
 */
export function attemptingFetch(base: typeof fetch, ctx: AttemptContext): typeof fetch {
	return async (input, init) => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
		const kind = requestKind(url, method);
		const host = new URL(url).host;
		// A submit on the wire is not aborted by a Stop: its answer says which job to cancel (the caller
		// gives it its own, later signal). Every other request stops with the item.
		const signal = anySignal(init?.signal ?? undefined, kind === 'submit' ? undefined : ctx.signal);
		const retries = ctx.policy.maxRetries;

		for (let attempt = 0; ; attempt++) {
			ctx.signal.throwIfAborted();
			const attempts = attempt + 1;
			let failure: FalRequestFailed;
			let final = false;
			let retryAfterMs: number | undefined;
			const sent = await base(input, { ...init, signal }).then(
				(response) => ({ response }),
				(error: unknown) => ({ error }),
			);
			if ('error' in sent) {
				if (signal?.aborted || ctx.signal.aborted) throw sent.error;
				const code = networkCode(sent.error);
				const type: FailureType = code && (CONNECT_CODES.has(code) || isTlsCode(code)) ? 'connect' : 'lost';
				failure = new FalRequestFailed({ kind, type, host, attempts, code, uncertain: type === 'lost' }, sent.error);
				// A certificate problem does not go away by asking again.
				final = !!code && isTlsCode(code);
			} else {
				const { response } = sent;
				if (kind === 'stream' && response.ok) return response;
				retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
				const read = await readBody(response).then(
					(bytes) => ({ bytes }),
					(error: unknown) => ({ error }),
				);
				if ('error' in read) {
					if (signal?.aborted) throw read.error;
					// The answer broke off while it was read: fal acted on the request.
					const code = networkCode(read.error);
					failure = new FalRequestFailed({ kind, type: 'lost', host, attempts, status: response.status, code, uncertain: true }, read.error);
				} else {
					const { bytes } = read;
					const text = bytes ? new TextDecoder().decode(bytes) : '';
					// Built only for a failure: an answer handed to the client is parsed there.
					const about = () => ({ kind, host, attempts, status: response.status, excerpt: falSaid(text) });
					// An answer for the client: 2xx, or an error it reports without retrying (401, 403, 404, 422, ...), thrown
					// here with its origin. The request history is read by the node itself (transport/history.ts).
					const handBack = () => {
						const refused = !response.ok && kind !== 'history' ? refusal(response, text, { kind, host }) : undefined;
						if (refused) throw refused;
						// A 2xx, or a refusal whose JSON is broken: the client makes of it what it can.
						return new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
					};
					if (endedByStartTimeout(response)) {
						// fal's final word: the job waited past its start timeout and never ran. Asking again changes nothing.
						return handBack();
					} else if (response.ok && jsonBroken(response, text)) {
						failure = new FalRequestFailed({ ...about(), type: 'unreadable', uncertain: true });
					} else if (kind === 'submit' && RETRIED_IF_IDEMPOTENT.has(response.status)) {
						// fal may have queued the job before this error: never submit again blindly.
						failure = new FalRequestFailed({ ...about(), type: 'http', uncertain: true });
					} else if (ALWAYS_RETRIED.has(response.status) || (kind !== 'submit' && RETRIED_IF_IDEMPOTENT.has(response.status))) {
						failure = new FalRequestFailed({ ...about(), type: 'http', retryAfterMs, uncertain: false });
					} else if (kind === 'upload' && !response.ok) {
						// The signed upload URL refused the file: not the API key, and asking again does not help.
						failure = new FalRequestFailed({ ...about(), type: 'http', uncertain: false });
						final = true;
					} else {
						return handBack();
					}
				}
			}
			// A submit whose answer was lost, broken or a 5xx may have created a job: the caller reconciles.
			if (final || (kind === 'submit' && failure.info.uncertain)) throw failure;
			if (attempt >= retries) throw failure;
			const delay = retryDelay(attempt, ctx.policy, retryAfterMs);
			if (delay > ctx.remainingMs()) throw failure;
			await sleepLong(delay, ctx.signal);
		}
	};
}
