// The fixed waits the node allows for fal's own behaviour, one object per execution (FalSession.timing). Their
// values are production's. An embedding that runs fal's stand-in faster (the test harness: test/tools/harness/
// timing.ts) sets others from outside, before an execution starts, the way it routes fal's hosts; the code that
// waits reads `session.timing` and never asks who set it.

export interface Timing {
	/** How long fal may take to list a started request in its history; fal's docs give no bound (job/reconcile.ts). */
	historyLagMs: number;
	/** How far n8n's clock and fal's may differ, around a lost submit's send and loss (job/reconcile.ts). */
	historySkewMs: number;
	/** The first wait between two readings of the history, doubled up to `historyRetryMaxMs`. */
	historyRetryFirstMs: number;
	historyRetryMaxMs: number;
}

export const PRODUCTION_TIMING: Readonly<Timing> = Object.freeze({
	historyLagMs: 30_000,
	historySkewMs: 30_000,
	historyRetryFirstMs: 1000,
	historyRetryMaxMs: 10_000,
});

let current: Readonly<Timing> = PRODUCTION_TIMING;

/** The waits an execution starting now takes. */
export const currentTiming = (): Readonly<Timing> => current;

/** Sets some waits for the executions that start from now on; returns what puts the previous ones back. */
export function setTiming(overrides: Partial<Timing>): () => void {
	const previous = current;
	current = Object.freeze({ ...current, ...overrides });
	return () => {
		current = previous;
	};
}
