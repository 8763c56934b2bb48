// The contract between an item's job lifecycle and the batch dispatcher: an item asks for a slot before it
// submits a job and reports what fal says about that job, so the dispatcher can learn how many jobs fal
// runs at once for this account and keep just enough submitted.

export interface JobSlot {
	/** fal reported the job waiting in its queue (IN_QUEUE); `position` 0 is next in line. */
	queued(position: number | undefined): void;
	/** fal reported the job running (IN_PROGRESS). */
	running(): void;
	/** The job finished, failed, was cancelled or was never submitted: frees the slot. Safe to call twice. */
	release(): void;
}

export interface JobSlots {
	/** Resolves when the item may submit a job; rejects with `signal.reason` when `signal` aborts first. */
	acquire(signal: AbortSignal): Promise<JobSlot>;
}

/** No limit: every item submits at once (Get Job, which starts no job, and a single item). */
export function unboundedSlots(): JobSlots {
	const slot: JobSlot = { queued: () => {}, running: () => {}, release: () => {} };
	return {
		acquire: async (signal) => {
			signal.throwIfAborted();
			return slot;
		},
	};
}

/**
 * What a status from fal (stream or poll) tells the slot. COMPLETED frees it at once: fetching the result
 * takes no place at fal, and the freed place can go to the next item while this one reads its answer.
 */
export function reportStatus(slot: JobSlot): (status: { status: string; queue_position?: number }) => void {
	return (status) => {
		if (status.status === 'IN_QUEUE') slot.queued(status.queue_position);
		else if (status.status === 'IN_PROGRESS') slot.running();
		else if (status.status === 'COMPLETED') slot.release();
	};
}
