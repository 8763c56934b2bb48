import type { IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import { itemError } from '../errors/itemError';
import { toNodeError } from '../errors/nodeError';
import type { JobSlots } from '../dispatch/slots';
import { anySignal } from '../transport/abort';
import { cancelJob } from '../transport/queue';
import type { FalSession } from '../transport/session';

/** What one item's work needs besides its parameters. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	session: FalSession;
	itemIndex: number;
	/** Aborts on execution cancel, on the item's timeout, or when another item failed the node. */
	signal: AbortSignal;
	timeoutSignal?: AbortSignal;
	timeoutMs: number;
}

/** The router's view of one item: its index and the signals that can stop it before its own timeout. */
export interface ItemRun {
	ctx: IExecuteFunctions;
	session: FalSession;
	itemIndex: number;
	/** Aborts when another item failed the node. */
	stop: AbortSignal;
	cancelSignal: AbortSignal | undefined;
	/** Where the item asks for its turn to submit a job. */
	slots: JobSlots;
}

/** The item's context, with its timeout (0 = none) added to the signals that stop it. */
export function itemContext(run: ItemRun, timeoutMs: number): ItemContext {
	const timeoutSignal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
	return {
		ctx: run.ctx,
		session: run.session,
		itemIndex: run.itemIndex,
		signal: anySignal(run.stop, run.cancelSignal, timeoutSignal)!,
		timeoutSignal,
		timeoutMs,
	};
}

// Turns the abort reason into the message a user needs: which limit was hit, and that the job is gone.
function timedOut(item: ItemContext, requestId?: string): NodeOperationError {
	const seconds = item.timeoutMs / 1000;
	return itemError(
		item.ctx.getNode(),
		item.itemIndex,
		`The request to fal did not finish within ${seconds} second${seconds === 1 ? '' : 's'}`,
		`${requestId ? `fal job ${requestId} was cancelled. ` : ''}Raise "Timeout (Seconds)" under Options for long recordings, or use the "Submit Job" operation with a webhook so n8n does not wait.`,
	);
}

/** Runs one job item's work; if it fails after submitting, the job is cancelled when the item was aborted. */
export async function guard<T>(item: ItemContext, work: (onSubmitted: (id: string) => void) => Promise<T>): Promise<T> {
	let requestId: string | undefined;
	try {
		return await work((id) => (requestId = id));
	} catch (error) {
		// An aborted item must not leave a paid job running at fal.
		if (item.signal.aborted && requestId) await cancelJob(item.session, requestId);
		if (item.timeoutSignal?.aborted) throw timedOut(item, requestId);
		throw toNodeError(item.ctx.getNode(), error, item.itemIndex, item.session.apiKey, requestId);
	}
}
