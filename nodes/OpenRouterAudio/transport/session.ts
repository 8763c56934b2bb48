// One session per execution: fal clients whose fetch makes every attempt of each request (attempts.ts), bound
// to the execution's Stop and, per item, to its retry policy, its own stop signal and its time left.
import { Redactor } from '../lib/redact';
import { anySignal } from '../lib/signals';
import { attemptingFetch, DEFAULT_RETRY, FalRequestFailed, UploadUrls, type AttemptContext, type RetryPolicy } from './attempts';
import { createFalClient, type FalClient } from './client';
import { WAITS, type Waits } from './waits';

export interface FalSession {
	/** Kept only to call fal's platform API (the request history), which the client lacks. */
	apiKey: string;
	/** Requests stop when the item (or the execution) stops; each gets the item's attempts. */
	client: FalClient;
	/** Cancels jobs: not bound to the execution's cancel signal, which has already fired after a Stop. */
	janitor: FalClient;
	/**
	 * A client whose requests also stop when `signal` aborts, for calls that take no signal (storage); its uploads
	 * are known, with how they failed, in `uploads`.
	 */
	clientFor(signal: AbortSignal, uploads?: UploadUrls): FalClient;
	/** Plain fetch with the item's attempts, for fal's platform API (request history), which the client lacks. */
	fetch: typeof fetch;
	/**
	 * The jobs items of this execution hold, by request ID, with the time this execution sent the submit that
	 * created each (0 when unknown, e.g. a job taken over from an earlier try). Reconciling never adopts one of
	 * them, and reads from them how far fal's queue has moved (job/reconcile.ts).
	 */
	owned: Map<string, number>;
	/** The fixed times this execution waits on fal (waits.ts). */
	waits: Readonly<Waits>;
	/** The same session for one item: its retry policy, its stop signal and the time it has left. */
	forItem(context: ItemTransportContext): FalSession;
	/**
	 * Whether fal may store the payloads of the jobs this session submits ("Keep Request Data at Fal"); false
	 * sends `X-Fal-Store-IO: 0` with every submit (transport/queue.ts submitJob), resubmits included.
	 */
	keepsRequestData: boolean;
	/** The same session, its submits asking fal to keep (or not keep) their payloads; its items inherit it. */
	withRequestData(keep: boolean): FalSession;
}

export interface ItemTransportContext {
	policy: RetryPolicy;
	signal: AbortSignal;
	remainingMs?: () => number;
}

// Looked up at each call, not captured when this module loads: a fetch the host process installs later (a proxy,
// instrumentation, a router to another fal host) is the one used.
const baseFetch: typeof fetch = async (input, init) => await fetch(input, init);

const CANCEL_POLICY: RetryPolicy = { ...DEFAULT_RETRY, maxRetries: 2 };

/**
 * Removes the key from fal's answers (attempts.ts): as sent in the header, bare, and URL-encoded. `apiKey` is the
 * normalised key (transport/client.ts), which every pasted form of the key contains.
 */
export const keyRedactor = (apiKey: string) => new Redactor([`Key ${apiKey}`, apiKey, encodeURIComponent(apiKey)]);

/**
 * One session per execution, from the credential; never the global `fal`, never environment variables. Its
 * waits are WAITS as they are when the execution starts.
 */
export function createFalSession(apiKey: string, policy: RetryPolicy, cancelSignal?: AbortSignal, waits: Waits = { ...WAITS }): FalSession {
	const owned = new Map<string, number>();
	const redactor = keyRedactor(apiKey);
	const janitor = createFalClient({
		credentials: apiKey,
		fetch: attemptingFetch(baseFetch, { policy: CANCEL_POLICY, signal: new AbortController().signal, remainingMs: () => waits.cancelBudgetMs, redactor }),
	});
	const build = (context: ItemTransportContext, keepsRequestData = true): FalSession => {
		const signal = anySignal(cancelSignal, context.signal)!;
		const attempts = (extra?: AbortSignal): AttemptContext => ({
			policy: context.policy,
			signal: anySignal(signal, extra)!,
			remainingMs: context.remainingMs ?? (() => Infinity),
			redactor,
		});
		return {
			apiKey,
			client: createFalClient({ credentials: apiKey, fetch: attemptingFetch(baseFetch, attempts()) }),
			janitor,
			clientFor: (extra, uploads) => createFalClient({ credentials: apiKey, fetch: attemptingFetch(baseFetch, attempts(extra), uploads) }),
			fetch: attemptingFetch(baseFetch, attempts()),
			owned,
			waits,
			forItem: (itemContext) => build(itemContext, keepsRequestData),
			keepsRequestData,
			withRequestData: (keep) => build(context, keep),
		};
	};
	return build({ policy, signal: cancelSignal ?? new AbortController().signal });
}

/**
 * Uploads a file to fal storage once and returns its URL; the job then refers to it by URL. The session's
 * fetch makes the attempts; storage.upload takes no signal, so the client is bound to `signal`.
 * `lifetimeSeconds` is how long fal keeps the file: the client sends it as `X-Fal-Object-Lifecycle`
 * (`{"expiration_duration_seconds": n}`) on the upload's initiation, single or multipart
 * (fal.ai/docs/documentation/model-apis/media-expiration); undefined sends none, and the account's storage
 * settings apply.
 */
export async function uploadFile(session: FalSession, file: File, signal: AbortSignal, lifetimeSeconds?: number): Promise<string> {
	const lifecycle = lifetimeSeconds === undefined ? undefined : { expiresIn: lifetimeSeconds };
	const uploads = new UploadUrls();
	const uploaded = await session.clientFor(signal, uploads).storage.upload(file, lifecycle && { lifecycle }).then(
		(url) => ({ url }),
		(error: unknown) => ({ error }),
	);
	if ('url' in uploaded) return uploaded.url;
	// A multipart upload's failed part reaches the client, which throws its own error without the cause
	// ("Part upload failed, retries exhausted"): the cause is the failure the attempts saw (attempts.ts).
	const { error } = uploaded;
	throw error instanceof FalRequestFailed || signal.aborted ? error : (uploads.failure ?? error);
}
