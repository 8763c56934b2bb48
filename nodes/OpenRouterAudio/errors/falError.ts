import type { INode, JsonObject } from 'n8n-workflow';
import { ExecutionBaseError, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { falDetail, FalRequestFailed, originOf, type RequestKind, type RequestOrigin } from '../transport/attempts';
import { ApiError, ENDPOINT_ID, ValidationError } from '../transport/client';
import { endedUnstarted, ResultUnavailable } from '../transport/queue';
import { forItem } from './itemError';

// fal's field names in 422 errors, as the user sees them in the node.
const FIELD_LABELS: Record<string, string> = {
	audio_url: '"Audio URL" / "Input Binary Field"',
	prompt: '"Prompt"',
	model: '"Model"',
	system_prompt: '"System Prompt" (Options)',
	reasoning: '"Reasoning" (Options)',
	temperature: '"Temperature" (Options)',
	max_tokens: '"Max Tokens" (Options)',
};

type Described = { message: string; description: string };

interface FieldError {
	loc: unknown[];
	msg: string;
}

const isFieldError = (field: unknown): field is FieldError =>
	!!field && typeof field === 'object' && Array.isArray((field as FieldError).loc) && typeof (field as FieldError).msg === 'string';

/**
 * The field errors of fal's validation body (fal.ai/docs/documentation/model-apis/request-errors): `detail` is a
 * list of `{ loc, msg, type }`, or one message about the whole body. undefined when the body has neither shape.
 * Read from the body, never from the status: an error built from a history entry's 422 is a plain ApiError, and
 * a 422 body need not have this shape.
 */
function fieldErrorsOf(error: ApiError<unknown>): FieldError[] | undefined {
	const detail = (error.body as { detail?: unknown } | null | undefined)?.detail;
	if (error instanceof ValidationError && typeof detail === 'string') return [{ loc: ['body'], msg: detail }];
	if (Array.isArray(detail) && detail.length > 0 && detail.every(isFieldError)) return detail;
	return undefined;
}

function describeValidation(fieldErrors: FieldError[]): Described {
	const lines = fieldErrors.map((field) => {
		const name = String(field.loc[field.loc.length - 1] ?? 'body');
		// A whole-body complaint (fal's plain-text detail) has no field to name.
		return name === 'body' ? field.msg : `${FIELD_LABELS[name] ?? name}: ${field.msg}`;
	});
	return {
		message: `fal rejected the input: ${lines[0]}`,
		description: `${lines.join('\n')}\nCorrect the field${lines.length > 1 ? 's' : ''} above and run the node again.`,
	};
}

const BILLING_URL = 'https://fal.ai/dashboard/billing';
const KEYS_URL = 'https://fal.ai/dashboard/keys';

// fal locks an account, not a key: `403 {"detail": "User is locked. Reason: Exhausted balance. Top up your
// balance at fal.ai/dashboard/billing."}` (also "Admin lock") to submits and storage-upload initiations.
const LOCKED = /\block(ed)?\b|balance/i;

/** What fal's refusal cost the item: nothing, when the refused request was the first of its job. */
function nothingStarted(kind: RequestKind | undefined): string {
	if (kind === 'submit') return 'No job was started for this item and nothing was paid for it.';
	if (kind === 'initiate') return 'The audio was not uploaded and no job was started for this item; nothing was paid for it.';
	return '';
}

const sentences = (...parts: string[]) => parts.filter(Boolean).join(' ');

function describeForbidden(detail: string, kind: RequestKind | undefined): Described {
	if (LOCKED.test(detail)) {
		const reason = /reason:\s*([^.]+)/i.exec(detail)?.[1]?.trim();
		return {
			message: `The fal account is locked${reason ? `: ${reason}` : ''}`,
			description: sentences(
				`fal said: "${detail}"`,
				`The API key itself is fine: fal locked the account it belongs to. Top up the balance or see why the account is locked at ${BILLING_URL}, then run the node again.`,
				nothingStarted(kind),
			),
		};
	}
	return {
		message: `fal refused the request${detail ? `: ${detail}` : ''}`,
		description: sentences(
			'fal knows the key but does not allow it this request: HTTP 403 is about what the key or its account may do (for example the key\'s scope), not necessarily a wrong key, which fal answers with HTTP 401.',
			`Check the key and its scope at ${KEYS_URL}, and that its account or team may use this endpoint; or create a new key. Then run the node again.`,
			nothingStarted(kind),
		),
	};
}

function describeApiError(error: ApiError<unknown>, kind: RequestKind | undefined): Described {
	const status = error.status;
	const said = falDetail(error.body);
	const detail = said ?? error.message;
	const fieldErrors = fieldErrorsOf(error);
	if (fieldErrors) return describeValidation(fieldErrors);
	if (status === 401) {
		return {
			message: 'fal refused the API key',
			description: sentences(
				`Check the Fal API credential: the key may be mistyped, revoked, or belong to another account. Create a key at ${KEYS_URL}.`,
				nothingStarted(kind),
			),
		};
	}
	if (status === 403) return describeForbidden(said ?? '', kind);
	if (status === 429) {
		return {
			message: 'fal is rate limiting requests and the retries ran out',
			description: 'Set "Max Concurrent Jobs" under Options to a lower number, or run fewer items at once, then try again.',
		};
	}
	if (status >= 500) {
		return {
			message: `fal failed to process the request: ${detail}`,
			description: 'This is an error on fal\'s side and it persisted through the retries. Try again later, or raise "Max Retries" under Options.',
		};
	}
	return { message: `fal returned an error: ${detail}`, description: 'See the error details for fal\'s full answer.' };
}

const KEEPING_ANSWERS =
	'fal keeps a result 1 hour after the job completes, 6 minutes if it is 10 KB or larger (a transcript of about 10 minutes of speech). To keep answers, let "Analyze Audio" wait for them, give "Submit Job" a Webhook URL (fal posts the result there), or run "Get Job" within a few minutes of completion (for example after a Wait node).';

/** fal's result store and request history both lack the answer (transport/queue.ts). */
function describeUnavailable(error: ResultUnavailable): Described {
	const id = error.requestId;
	const history = error.historyProblem ? ` fal's request history could not be asked: ${error.historyProblem}.` : '';
	if (error.listed) {
		const ended = error.listed.ended_at ? ` It ended at ${error.listed.ended_at}.` : '';
		// Its input is stored whenever its payloads are (fal.ai/docs/documentation/model-apis/inference/payloads).
		const noPayloads = error.listed.json_input === undefined || error.listed.json_input === null;
		const why = noPayloads
			? ' fal kept none of its request data: it was submitted with "Keep Request Data at Fal" off (X-Fal-Store-IO: 0), or its payloads were deleted, so the answer existed only in the result store.'
			: '';
		return {
			message: `fal no longer has the answer of job ${id} (HTTP 404 from queue.fal.run)`,
			description: `Its result has left fal's result store and fal's request history holds no copy of it.${ended}${why} ${KEEPING_ANSWERS}`,
		};
	}
	return {
		message: `fal does not know request ${id} (HTTP 404 from queue.fal.run)`,
		description: `Neither fal's queue nor its request history (the last 90 days) has a request with this ID for ${ENDPOINT_ID}.${history} Check the request ID. A request that never started (cancelled or ended while it waited in fal's queue) is not in the history either; an expired result is gone: ${KEEPING_ANSWERS}`,
	};
}

const isAbort = (error: unknown) =>
	error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;

/** One message per cause, for requests the fetch layer gave up on (transport/attempts.ts). */
function describeRequestFailure(error: FalRequestFailed): Described {
	const { kind, type, host, attempts, status, excerpt, code, retryAfterMs } = error.info;
	const tried = `The request was sent ${times(attempts)}.`;
	if (type === 'connect') {
		const tls = code && /CERT|TLS|SSL|SIGNED|UNABLE_TO/.test(code);
		return {
			message: `Could not connect to fal (${host})`,
			// n8n replaces messages that contain codes like ECONNREFUSED; the code goes into the description.
			description: `${tls ? 'The secure (TLS) connection failed' : 'No connection could be made'}${code ? ` (${code})` : ''}; nothing reached fal. ${tried} Check that the n8n instance can reach ${host}: DNS, firewall, proxy.`,
		};
	}
	if (type === 'lost') {
		return {
			message: `The connection to fal (${host}) broke before its answer arrived`,
			description: `${code ? `${code}. ` : ''}${tried} Raise "Max Retries" under Options if the network is unstable.`,
		};
	}
	if (type === 'unreadable') {
		return {
			message: `fal answered something that is not what the endpoint returns: "${excerpt ?? ''}"`,
			description: `fal's answer to the ${kind} request was not valid JSON. ${tried}`,
		};
	}
	if (kind === 'upload' && status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
		// The upload URL is the one fal's upload initiation answered: signed and short-lived, it carries its own
		// permission, so its refusal is about that URL (expired, signature not matching), whatever host it is on.
		return {
			message: 'The audio upload was refused',
			description: sentences(
				`${host} refused the audio file at the upload address fal gave for it. Such an address is signed and valid for a short time only; it is refused once it has expired or when its signature does not match.`,
				`The upload answered: "${excerpt || 'nothing'}".`,
				'The audio was not uploaded and no job was started for this item; nothing was paid for it.',
				'Run the node again to get a new upload address. If it keeps happening, check that the n8n instance\'s clock is right and that no proxy changes the upload, or pass the audio by URL instead.',
			),
		};
	}
	if (status === 429) {
		return {
			message: 'fal is rate limiting requests',
			description: `${tried}${retryAfterMs !== undefined ? ` fal asked to wait ${Math.ceil(retryAfterMs / 1000)} s.` : ''} Lower "Max Concurrent Jobs" under Options, run fewer items at once, or raise "Max Retries".`,
		};
	}
	return {
		message: `fal failed to process the request${excerpt ? `: ${excerpt}` : ''}`,
		description: `This is an error on fal's side. ${tried} Try again later, or raise "Max Retries" under Options.`,
	};
}

/** "(HTTP 403 from queue.fal.run)": every message about an answer says which host gave it, with which status. */
function answeredBy(status: number | undefined, origin: RequestOrigin | undefined): string {
	return status === undefined ? '' : ` (HTTP ${status} from ${origin?.host ?? 'fal'})`;
}

/**
 * Turns anything the fal client or the fetch layer throws into an n8n error for one item: the real cause,
 * the item index and a hint how to fix it. n8n's own errors (an expression error in a field, an error already
 * made for the item) pass unchanged. None holds the API key: fal's answers lose it as they arrive
 * (transport/attempts.ts), and nothing else the node shows ever had it.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number, job: { requestId?: string } = {}): NodeApiError | NodeOperationError {
	const { requestId } = job;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ExecutionBaseError) return error as unknown as NodeOperationError;
	const suffix = forItem('', itemIndex);
	const origin = originOf(error);
	if (error instanceof ResultUnavailable) {
		const { message, description } = describeUnavailable(error);
		return new NodeOperationError(node, message + suffix, { itemIndex, description });
	}
	if (endedUnstarted(error)) {
		const id = error.requestId || requestId;
		return new NodeOperationError(node, `fal ended job ${id} unstarted: it waited in fal's queue past its start timeout${answeredBy(error.status, origin)}${suffix}`, {
			itemIndex,
			description: 'The job never ran and nothing was billed. Its start timeout was the "Max Queue Wait (Seconds)" of the node that submitted it. Submit it again with a longer Max Queue Wait, or with fewer items at once.',
		});
	}
	if (error instanceof ApiError) {
		const described = describeApiError(error, origin?.kind);
		const message = described.message + answeredBy(error.status, origin);
		const { description } = described;
		const response: JsonObject = { status: error.status, requestId: error.requestId || requestId || null };
		if (error.body !== undefined) response.body = error.body as JsonObject;
		return new NodeApiError(node, response, { message: message + suffix, description, httpCode: String(error.status), itemIndex });
	}
	if (error instanceof FalRequestFailed) {
		const described = describeRequestFailure(error);
		// A connection that failed has no status; its message names the host already.
		const message = described.message + (error.info.type === 'connect' || error.info.type === 'lost' ? '' : answeredBy(error.info.status, origin));
		const { description } = described;
		return new NodeOperationError(node, message + suffix, { itemIndex, description });
	}
	const cause = error instanceof Error ? error : new Error(String(error));
	const reason = [cause.message, (cause.cause as Error | undefined)?.message].filter(Boolean).join(': ');
	if (isAbort(cause)) {
		return new NodeOperationError(node, `The request to fal was aborted${suffix}`, {
			itemIndex,
			description: `${reason}. The execution was stopped or the item ran out of time.`,
		});
	}
	if (cause instanceof SyntaxError) {
		return new NodeOperationError(node, `fal answered something that is not JSON${suffix}`, { itemIndex, description: reason });
	}
	// The cause goes into the description only: n8n replaces messages that contain codes like ECONNREFUSED.
	return new NodeOperationError(node, `The request to fal failed${suffix}`, { itemIndex, description: reason });
}
