// Why an item stopped before its end, besides an error of its own: its time ran out, the user stopped the
// execution, or another item failed the node. The job/ folder decides it; errors/ words it.

/** Which limit an item ran out of: "Timeout (Seconds)" or "Max Queue Wait (Seconds)". */
export class TimeLimitReached extends Error {
	override name = 'TimeLimitReached';

	constructor(
		readonly limit: 'timeout' | 'queueWait',
		readonly limitMs: number,
	) {
		super(limit === 'timeout' ? 'The item ran out of its "Timeout (Seconds)"' : 'The job waited past "Max Queue Wait (Seconds)"');
	}
}

/** Why the item stopped early: a time limit, a Stop of the execution ('user'), a failed sibling item, or none of them. */
export type StopCause = TimeLimitReached | 'user' | 'sibling' | undefined;
