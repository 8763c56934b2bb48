// @ts-check
'use strict';
/**
 * The emulator's own records, for tests to assert on (not the node's view of things): what fal
 * would bill (billed()), what a client actually received (undelivered()) and that no job started
 * after its start deadline. Each Job carries its own record (queue.js):
 * key, status, createdAt/startedAt/completedAt, startDeadline/endedUnstarted, cancelRequestedAt/
 * cancelledWhile/cancelled/cancelledAt, deliveries (result responses written in full) and cancelRequests.
 */

/**
 * @typedef {import('./queue').Job} Job
 * @typedef {import('./queue').CancelRequest} CancelRequest
 */

/**
 * @param {Map<string, Job>} jobs
 * @param {CancelRequest[]} cancelRequests every PUT .../cancel, unknown ids included
 */
function createRecords(jobs, cancelRequests) {
	/** @param {Job} j */
	const isBilled = (j) => j.startedAt !== null && j.result !== null && j.result.status < 500;
	/**
	 * Jobs grouped by a caller-supplied key, in submit order (e.g. `(j) => j.input.prompt`, to
	 * assert "at most one fal job per item").
	 * @template K
	 * @param {(job: Job) => K} keyFn
	 * @returns {Map<K, Job[]>}
	 */
	function jobsBy(keyFn) {
		/** @type {Map<K, Job[]>} */
		const out = new Map();
		for (const job of [...jobs.values()].sort((a, b) => a.index - b.index)) {
			const k = keyFn(job);
			const list = out.get(k);
			if (list) list.push(job);
			else out.set(k, [job]);
		}
		return out;
	}

	return {
		cancelRequests,

		/** Jobs fal would still be running (and billing for): IN_QUEUE or IN_PROGRESS. */
		leftRunning() {
			return [...jobs.values()].filter((j) => j.status !== 'COMPLETED');
		},

		/**
		 * Jobs that ran to their end (not cancelled) but whose result no client ever received in full:
		 * paid for and thrown away. A result GET (or sync run response) destroyed or replaced by
		 * a fault does not count as delivered.
		 */
		undelivered() {
			return [...jobs.values()].filter(
				(j) => j.status === 'COMPLETED' && !j.cancelled && j.endedUnstarted === null && j.deliveries === 0,
			);
		},

		/**
		 * What fal would charge for: jobs that ran and ended with a result below 500 (5xx answers are
		 * not billed: fal.ai/docs/model-apis/model-endpoints/reliability), including a running job
		 * stopped by a cancel (499) or one that ran on; never a job that ended unstarted.
		 */
		billed() {
			return [...jobs.values()].filter(isBilled);
		},

		/**
		 * What fal would charge in all, in USD: the sum of the billed jobs' `cost` (pricing.js), each set when the
		 * job ended.
		 */
		billedCost() {
			return [...jobs.values()].filter(isBilled).reduce((sum, j) => sum + (j.cost ?? 0), 0);
		},

		/** Jobs started after their start deadline: fal never does that, so this stays empty. */
		startedAfterDeadline() {
			return [...jobs.values()].filter((j) => j.startedAt !== null && j.startDeadline !== null && j.startedAt > j.startDeadline);
		},

		jobsBy,

		/**
		 * How many jobs fal created for each item, by the Job's `key` (the `itemKey` option), in submit
		 * order: `{ 'Item 0': 1, 'Item 1': 1 }`. "At most one fal job per item" is every count being 1.
		 * @returns {Record<string, number>}
		 */
		jobsPerItem() {
			return Object.fromEntries([...jobsBy((job) => String(job.key))].map(([key, list]) => [key, list.length]));
		},
	};
}

/**
 * Counts a result response as delivered once it is written in full ('finish'), never when a
 * fault or a client abort destroys it first.
 * @param {import('node:http').ServerResponse} res
 * @param {Job} job
 */
function countDelivery(res, job) {
	res.once('finish', () => {
		if (!(/** @type {any} */ (res).lostAnswer) && job.result && res.statusCode === job.result.status) job.deliveries += 1;
	});
}

module.exports = { createRecords, countDelivery };
