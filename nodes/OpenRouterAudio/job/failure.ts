import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../errors/nodeError';
import { scrubError } from '../errors/redact';
import type { CancelOutcome } from '../transport/queue';
import { TimeLimitReached } from './clock';
import { forItem } from '../errors/itemError';

// What the user reads when an item fails after it may have started a paid job: the cause, and what became
// of the job (cancelled, already completed and fetchable with Get Job, or left for the user to check).

export const DASHBOARD_REQUESTS = 'https://fal.ai/dashboard/requests';

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

export type StopCause = TimeLimitReached | 'user' | 'sibling' | undefined;

export interface FailureFacts {
	error: unknown;
	requestId?: string;
	/** fal reported the job COMPLETED: its answer exists and is billed. */
	completed: boolean;
	cancel?: CancelOutcome;
	stop: StopCause;
}

const seconds = (ms: number) => `${ms / 1000} second${ms === 1000 ? '' : 's'}`;
const getJobHint = (id: string) => `Its answer can still be fetched with the "Get Job" operation and request ID ${id}.`;

/** What became of the item's fal job, in one or two sentences; empty when no job was started. */
export function jobFate(facts: Pick<FailureFacts, 'requestId' | 'completed' | 'cancel'>): string {
	const id = facts.requestId;
	if (!id) return '';
	switch (facts.cancel) {
		case 'cancelled':
			return `fal job ${id} was cancelled.`;
		case 'completed':
			return `fal job ${id} could not be cancelled: fal had already completed it (it is billed). ${getJobHint(id)}`;
		case 'unknown':
			return `fal did not know job ${id} when asked to cancel it.`;
		case 'failed':
			return `Cancelling fal job ${id} failed: check it in the fal dashboard (${DASHBOARD_REQUESTS}) and cancel it there if it still runs.`;
		default:
			return facts.completed ? `fal job ${id} completed (it is billed). ${getJobHint(id)}` : `fal request ID: ${id}.`;
	}
}

function stopError(node: INode, itemIndex: number, stop: NonNullable<StopCause>, fate: string) {
	const suffix = forItem('', itemIndex);
	if (stop instanceof TimeLimitReached) {
		if (stop.limit === 'queueWait') {
			return new NodeOperationError(node, `The fal job waited in fal's queue longer than the "Max Queue Wait (Seconds)" limit of ${seconds(stop.limitMs)}${suffix}`, {
				itemIndex,
				description: `${fate} Your fal account runs a limited number of jobs at once; the others wait in fal's queue. Raise "Max Queue Wait (Seconds)" under Options (0 = no limit), or send fewer items at once.`.trim(),
			});
		}
		return new NodeOperationError(node, `The request to fal did not finish within the "Timeout (Seconds)" limit of ${seconds(stop.limitMs)}${suffix}`, {
			itemIndex,
			description: `${fate} The limit counts the upload and the time the job runs at fal, not its time in fal's queue. Raise "Timeout (Seconds)" under Options for long recordings, or use the "Submit Job" operation with a webhook so n8n does not wait.`.trim(),
		});
	}
	if (stop === 'user') {
		return new NodeOperationError(node, `The execution was stopped by the user${suffix}`, { itemIndex, description: fate || 'No fal job had been started for this item.' });
	}
	return new NodeOperationError(node, `Stopped because another item failed${suffix}`, {
		itemIndex,
		description: `${fate} Turn on "Continue On Fail" in the node settings to let the other items finish.`.trim(),
	});
}

function mayExistError(node: INode, itemIndex: number, error: JobMayExist) {
	const since = new Date(error.sentAt).toISOString();
	const candidates = error.candidates.length ? ` Matching request IDs: ${error.candidates.join(', ')}.` : '';
	return new NodeOperationError(node, forItem('fal may have created a job for this item, but its answer to the submit was lost', itemIndex), {
		itemIndex,
		description:
			`${error.lost}. The node did not submit again, so as not to pay twice, and ${error.reason}.${candidates} ` +
			`Look for a request to openrouter/router/audio sent at or after ${since} in the fal dashboard (${DASHBOARD_REQUESTS}); ` +
			'fetch its answer with the "Get Job" operation and its request ID, or cancel it there. Or run the item again if there is none.',
	});
}

/** The n8n error for an item that failed, with the fate of its job and never the API key. */
export function describeFailure(node: INode, itemIndex: number, apiKey: string, facts: FailureFacts): NodeApiError | NodeOperationError {
	const fate = jobFate(facts);
	let error: NodeApiError | NodeOperationError;
	if (facts.stop) error = stopError(node, itemIndex, facts.stop, fate);
	else if (facts.error instanceof JobMayExist) error = mayExistError(node, itemIndex, facts.error);
	else {
		error = toNodeError(node, facts.error, itemIndex, apiKey, facts.requestId);
		if (fate && !(error.description ?? '').includes(fate)) error.description = `${error.description ?? ''}\n${fate}`.trim();
	}
	if (facts.requestId) {
		error.context = { ...error.context, requestId: facts.requestId, jobCompleted: facts.completed || facts.cancel === 'completed' };
		if (facts.cancel) error.context.cancel = facts.cancel;
	}
	return scrubError(error, apiKey);
}
