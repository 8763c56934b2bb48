import type { IExecuteFunctions } from 'n8n-workflow';

import type { JobSlots } from '../dispatch/slots';
import type { FalSession } from '../transport/session';

/** The router's view of one item: its index and the signals that can stop it before its own time limits. */
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
