// The fixed times the node waits on fal, each with its reason, in one place. The router's session copies them
// when it is created (`session.waits`), and whatever waits reads them there, so one execution sees one set. A
// process that embeds the node may set other values on WAITS before an execution starts; n8n never does, so
// these are what users get.

export interface Waits {
	/**
	 * How long an item whose time ran out goes on watching a running job it asked fal to cancel (an app may ignore
	 * the cancel and run on to a billed answer, which is then delivered), and fetching an answer that completed.
	 */
	lateAnswerMs: number;
	/**
	 * A status stream that sends nothing for this long is treated as stalled and reopened: a reopened stream
	 * starts with the job's current status, so a quiet but healthy job only costs one short request.
	 */
	streamInactivityMs: number;
	/** Status polling (when streams keep failing): the first delay, growing by half each poll up to the ceiling. */
	pollFirstMs: number;
	pollMaxMs: number;
	/** How long a submit already on the wire may still take after its item was stopped: its answer names the job to cancel. */
	submitGraceMs: number;
	/**
	 * fal itself ends a job that waited past "Max Queue Wait" (its start timeout, sent with the submit). The node's
	 * own watch fires this much later, only for the case where fal's word never arrives: it then cancels the job,
	 * which fal removes from its queue unbilled.
	 */
	queueWaitGraceMs: number;
	/** The time a cancel may take with its attempts; it runs after the item stopped, bound to nothing else. */
	cancelBudgetMs: number;
	/**
	 * The time "Delete Request Data After Answer" may take with its attempts: the answer is on the item already, so
	 * the item is delivered either way, with what became of fal's copy.
	 */
	deletionBudgetMs: number;
	/** How long fal may take to list a started request in its history; fal's docs give no bound (job/reconcile.ts). */
	historyLagMs: number;
	/** How far n8n's clock and fal's may differ, around a lost submit's send and loss (job/reconcile.ts). */
	historySkewMs: number;
	/** The first wait between two readings of the history, doubled up to `historyRetryMaxMs`. */
	historyRetryFirstMs: number;
	historyRetryMaxMs: number;
}

/** The values every execution uses unless the process that embeds the node set others. */
export const WAITS: Waits = {
	lateAnswerMs: 30_000,
	streamInactivityMs: 30_000,
	pollFirstMs: 1000,
	pollMaxMs: 5000,
	submitGraceMs: 10_000,
	queueWaitGraceMs: 30_000,
	cancelBudgetMs: 15_000,
	deletionBudgetMs: 15_000,
	historyLagMs: 30_000,
	historySkewMs: 30_000,
	historyRetryFirstMs: 1000,
	historyRetryMaxMs: 10_000,
};
