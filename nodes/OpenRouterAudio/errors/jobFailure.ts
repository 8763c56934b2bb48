import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerExists, type JobFate } from '../outcome/jobFate';
import { TimeLimitReached, type StopCause } from '../outcome/stopCause';
import type { FalRequestFailed } from '../transport/attempts';
import { ENDPOINT_ID } from '../transport/client';
import { endedUnstarted } from '../transport/queue';
import { toNodeError } from './falError';
import { forItem } from './itemError';

// What the user reads when an item fails after it may have started a paid job: the cause, and what fal said
// became of the job. Nothing here claims more than fal said: a cancel of a running job is a request that the
// app may ignore (fal.ai/docs/inference-api/queue/cancel), so "was cancelled" is never said for it.

const DASHBOARD_REQUESTS = 'https://fal.ai/dashboard/requests';

/** A submit whose answer was lost, where fal's history could not tell whether the job exists. */
export class JobMayExist extends Error {
	override name = 'JobMayExist';

	constructor(
		readonly sentAt: number,
		readonly reason: string,
		readonly lost: string,
		readonly candidates: string[],
	) {
		super(`fal may have created a job for this item: ${lost}`);
	}
}

/** What was lost of a submit fal may have acted on, for the JobMayExist message. */
export function lostAnswer(error: FalRequestFailed): string {
	const { type, status, code, host } = error.info;
	if (type === 'http') return `fal answered the submit with HTTP ${status} (${host}), after which a job may exist`;
	if (type === 'unreadable') return `fal accepted the submit, but its answer could not be read (HTTP ${status}, ${host})`;
	return `The connection to fal (${host}) broke after the submit was sent${code ? ` (${code})` : ''}`;
}

const seconds = (ms: number) => `${ms / 1000} second${ms === 1000 ? '' : 's'}`;
const getJobHint = (id: string) => `Its answer can still be fetched with the "Get Job" operation and request ID ${id}.`;
const checkDashboard = (id: string) => `Check request ${id} in the fal dashboard (${DASHBOARD_REQUESTS}).`;

function cancelFate(id: string, fate: Extract<JobFate, { kind: 'cancel' }>): string {
	switch (fate.answer) {
		case 'completed':
			return `fal job ${id} could not be cancelled: fal had already completed it (it is billed). ${getJobHint(id)}`;
		case 'unknown':
			return `fal did not know job ${id} when asked to cancel it.`;
		case 'failed':
			return `Cancelling fal job ${id} got no answer from fal: ${checkDashboard(id)} Cancel it there if it still runs.`;
	}
	if (fate.seenAs === 'queued') {
		return `fal accepted the cancel of job ${id} while it waited in fal's queue: fal removes a queued job, so it does not run and is not billed.`;
	}
	const asked =
		fate.seenAs === 'running'
			? `fal job ${id} was running: fal passed the cancel on to it`
			: `fal accepted the cancel of job ${id} (a queued job is removed unbilled; a running one only gets the cancel passed on)`;
	if (fate.ended === 'stopped') return `${asked}, and the job stopped (fal may bill the time it ran).`;
	if (fate.ended === 'completed') return `${asked}, but the job ran on to its end and is billed. ${getJobHint(id)}`;
	return `${asked}, and it may run on to its end and be billed. ${checkDashboard(id)} If it completes, its answer can be fetched with the "Get Job" operation and request ID ${id}.`;
}

/** What became of the item's fal job, in one or two sentences; empty when no job was started. */
export function jobFate(requestId: string | undefined, fate: JobFate): string {
	if (fate.kind === 'mayExist') {
		return `fal may have created a job for this item: the answer to its submit was lost. Look for a request to ${ENDPOINT_ID} sent at or after ${new Date(fate.since).toISOString()} in the fal dashboard (${DASHBOARD_REQUESTS}); one still waiting in fal's queue ends unstarted when its "Max Queue Wait" passes.`;
	}
	if (!requestId) return '';
	switch (fate.kind) {
		case 'none':
			return '';
		case 'held':
			return `fal request ID: ${requestId}.`;
		case 'completed':
			return `fal job ${requestId} completed (it is billed). ${getJobHint(requestId)}`;
		case 'endedUnstarted':
			return `fal ended job ${requestId} unstarted when its start timeout ("Max Queue Wait") passed: it did not run and nothing was billed.`;
		case 'cancel':
			return cancelFate(requestId, fate);
	}
}

const QUEUE_ADVICE =
	'Your fal account runs a limited number of jobs at once; the others wait in fal\'s queue. Raise "Max Queue Wait (Seconds)" under Options (0 = no limit), or send fewer items at once.';

function queueWaitError(node: INode, itemIndex: number, queueWaitMs: number, description: string) {
	return new NodeOperationError(node, forItem(`The fal job waited in fal's queue longer than the "Max Queue Wait (Seconds)" limit of ${seconds(queueWaitMs)}`, itemIndex), {
		itemIndex,
		description: `${description} ${QUEUE_ADVICE}`.trim(),
	});
}

function stopError(node: INode, itemIndex: number, stop: NonNullable<StopCause>, fate: string) {
	if (stop instanceof TimeLimitReached) {
		if (stop.limit === 'queueWait') {
			return queueWaitError(node, itemIndex, stop.limitMs, `fal had not ended the job by then, so the node asked to cancel it. ${fate}`);
		}
		return new NodeOperationError(node, forItem(`The request to fal did not finish within the "Timeout (Seconds)" limit of ${seconds(stop.limitMs)}`, itemIndex), {
			itemIndex,
			description: `${fate} The limit counts the upload and the time the job runs at fal, not its time in fal's queue. Raise "Timeout (Seconds)" under Options for long recordings, or use the "Submit Job" operation with a webhook so n8n does not wait.`.trim(),
		});
	}
	if (stop === 'user') {
		return new NodeOperationError(node, forItem('The execution was stopped by the user', itemIndex), { itemIndex, description: fate || 'No fal job had been started for this item.' });
	}
	return new NodeOperationError(node, forItem('Stopped because another item failed', itemIndex), {
		itemIndex,
		description: `${fate} Turn on "Continue On Fail" in the node settings to let the other items finish.`.trim(),
	});
}

function mayExistError(node: INode, itemIndex: number, error: JobMayExist) {
	const since = new Date(error.sentAt).toISOString();
	const look = error.candidates.length
		? `Candidate request IDs: ${error.candidates.join(', ')}. Fetch each with the "Get Job" operation (its Request ID) and compare its answer, or its input in the fal dashboard (${DASHBOARD_REQUESTS}) where fal kept it: the one that is this item's is its job. Run the item again only if none of them is.`
		: `Look for a request to ${ENDPOINT_ID} sent at or after ${since} in the fal dashboard (${DASHBOARD_REQUESTS}); fetch its answer with the "Get Job" operation and its request ID, or cancel it there. Run the item again only if there is none.`;
	return new NodeOperationError(node, forItem('fal may have created a job for this item, but its answer to the submit was lost', itemIndex), {
		itemIndex,
		description: `${error.lost}. The node did not submit again, so as not to pay twice, and ${error.reason}. ${look}`,
	});
}

export interface FailureFacts {
	error: unknown;
	requestId?: string;
	fate: JobFate;
	stop: StopCause;
	/** The item's "Max Queue Wait", in ms, for fal's start-timeout answer. */
	queueWaitMs: number;
}

/** The n8n error for an item that failed, with the fate of its job. */
export function describeFailure(node: INode, itemIndex: number, facts: FailureFacts): NodeApiError | NodeOperationError {
	const fate = jobFate(facts.requestId, facts.fate);
	let error: NodeApiError | NodeOperationError;
	if (facts.stop) error = stopError(node, itemIndex, facts.stop, fate);
	else if (facts.error instanceof JobMayExist) error = mayExistError(node, itemIndex, facts.error);
	else if (endedUnstarted(facts.error) && facts.queueWaitMs > 0) {
		error = queueWaitError(node, itemIndex, facts.queueWaitMs, `${fate} (fal answered HTTP 504 from queue.fal.run with X-Fal-Request-Timeout-Type: user.)`);
	} else {
		error = toNodeError(node, facts.error, itemIndex, { requestId: facts.requestId });
		if (fate && !(error.description ?? '').includes(fate)) error.description = `${error.description ?? ''}\n${fate}`.trim();
	}
	if (facts.requestId) {
		error.context = { ...error.context, requestId: facts.requestId, jobCompleted: answerExists(facts.fate), jobFate: facts.fate.kind };
		if (facts.fate.kind === 'cancel') error.context.cancel = facts.fate.answer;
	}
	return error;
}
