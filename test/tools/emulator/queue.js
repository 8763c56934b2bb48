// @ts-check
'use strict';
/**
 * fal's queue: jobs wait IN_QUEUE (with queue_position) until one of `concurrency` slots is free,
 * run IN_PROGRESS for their latency, then are COMPLETED with a stored result (a success or an error:
 * fal reports app failures on the result request, not on the status).
 *
 * One queue per endpoint, `normal` priority before `low`, first in first out within a priority; a
 * request is never dropped or rejected for concurrency, at most `concurrency` (the account's limit)
 * run at once (fal.ai/docs/documentation/deployment/requests,
 * fal.ai/docs/model-apis/model-endpoints/reliability).
 *
 * A submit may set a start timeout: a deadline to start, counted from submission. A job no runner has
 * started by then is ended by fal: it never runs, is not billed, is COMPLETED, and its result is a 504
 * marked as the user's timeout (docs.fal.ai/documentation/model-apis/common-parameters, body as in
 * fal.ai/docs/documentation/model-apis/request-errors). A started job runs to its end regardless.
 *
 * Cancel (fal.ai/docs/inference-api/queue/cancel, docs.fal.ai/documentation/development/handle-cancellations):
 * a queued job is removed and never runs; a running job only gets a signal and its app decides
 * (`cancelBehaviour`): 'stop' ends it at once with 499, 'ignore' runs on to its normal result.
 *
 * A stored result is kept 1 hour after completion, 6 minutes when its JSON body is 10 KB or larger
 * (fal.ai/docs/inference-api/queue/result): `retention`, read when the job completes, sets the Job's
 * `resultExpiresAt`.
 */
const { randomUUID } = require('node:crypto');

/**
 * @typedef {{ status: number, body: unknown, headers?: Record<string, string> }} JobResult
 *   headers: sent with the stored result (e.g. the timeout type the client reads)
 * @typedef {{ output: unknown, usage?: unknown } | { error: { status: number, body: unknown } }} Answer
 * @typedef {(input: any, job: Job) => Answer | Promise<Answer>} RespondWith
 * @typedef {import('./submit-headers').Priority} Priority
 * @typedef {{
 *   requestId: string, index: number, input: unknown, priority: Priority,
 *   status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED',
 *   createdAt: number, startedAt: number | null, completedAt: number | null,
 *   startDeadline: number | null, endedUnstarted: 'start-timeout' | 'cancelled' | null,
 *   resultExpiresAt: number | null,
 *   cancelRequestedAt: number | null, cancelledWhile: 'IN_QUEUE' | 'IN_PROGRESS' | null,
 *   cancelled: boolean, cancelledAt: number | null,
 *   result: JobResult | null, deliveries: number, cancelRequests: CancelRequest[], key: string | undefined,
 *   webhookUrl: string | null, sync: boolean, parseError: boolean, storeIo: boolean, payloadsDeletedAt: number | null,
 *   cost: number | null,
 *   logs: { message: string, level: string, source: string, timestamp: string }[],
 * }} Job
 *   storeIo: false when the submit carried X-Fal-Store-IO: 0, so the history lists no payloads (history.js);
 *   payloadsDeletedAt: when an admin key deleted its payloads (DELETE .../payloads, server.js), so neither does it
 * @typedef {{ at: number, jobStatus: Job['status'] | null, status: number, answer: unknown, requestId: string }} CancelRequest
 *   One PUT .../cancel as the emulator answered it (jobStatus: the job's status when it arrived).
 * @typedef {{ ms: number, largeMs: number, largeBytes: number }} Retention
 *   how long results are kept: `largeMs` for JSON bodies of `largeBytes` or more, else `ms`
 * @typedef {'stop' | 'ignore'} CancelAnswer how a running app answers the cancel signal
 * @typedef {CancelAnswer | ((input: any, job: Job) => CancelAnswer)} CancelBehaviour
 * @typedef {{
 *   concurrency: number,
 *   keyOf?: (input: any) => string | undefined,
 *   latencyFor: (input: unknown, index: number) => number,
 *   validate: (input: unknown, parseError: boolean) => unknown[],
 *   answer: (input: any, job: Job) => Promise<JobResult>,
 *   onFinish: (job: Job) => void,
 *   cancelBehaviour: (job: Job) => CancelAnswer,
 *   retention: () => Retention,
 * }} QueueOptions
 */

/** Where the client looks for the job: built like the client builds it, without `/audio`. */
const REQUESTS_BASE = 'https://queue.fal.run/openrouter/router/requests';

/** @returns {JobResult} the stored result of a job ended by its start timeout */
const startTimeoutResult = () => ({
	status: 504,
	body: { detail: 'Request timed out before it started', error_type: 'request_timeout' },
	headers: { 'x-fal-request-timeout-type': 'user', 'x-fal-error-type': 'request_timeout' },
});

/** @param {QueueOptions} opts */
function createQueue(opts) {
	/** @type {Map<string, Job>} */
	const jobs = new Map();
	/** @type {Job[]} IN_QUEUE jobs in start order: normal ones, then low ones, each FIFO */
	const waiting = [];
	/** @type {Map<string, NodeJS.Timeout>} running job -> its completion timer */
	const timers = new Map();
	/** @type {Map<string, NodeJS.Timeout>} waiting job -> its start deadline timer */
	const deadlines = new Map();
	/** @type {Map<string, Set<(job: Job) => void>>} */
	const listeners = new Map();
	let inProgress = 0;
	let peakInProgress = 0;
	let peakQueued = 0;
	let concurrency = opts.concurrency;
	let nextIndex = 0;
	let generation = 0; // bumped on reset/close so late async answers are discarded

	/** @param {Job} job */
	function notify(job) {
		for (const fn of listeners.get(job.requestId) ?? []) fn(job);
	}

	/**
	 * @param {Job} job
	 * @param {string} message
	 */
	function log(job, message) {
		job.logs.push({ message, level: 'INFO', source: 'user', timestamp: new Date().toISOString() });
	}

	/**
	 * @param {Job} job
	 * @param {JobResult} result
	 */
	function finish(job, result) {
		if (job.status === 'COMPLETED') return;
		if (job.status === 'IN_PROGRESS') inProgress -= 1;
		timers.delete(job.requestId);
		job.status = 'COMPLETED';
		job.completedAt = Date.now();
		job.result = result;
		const r = opts.retention();
		const large = Buffer.byteLength(JSON.stringify(result.body) ?? '') >= r.largeBytes;
		job.resultExpiresAt = job.completedAt + (large ? r.largeMs : r.ms);
		log(job, job.cancelled ? 'Request cancelled' : `Finished with HTTP ${result.status}`);
		notify(job);
		listeners.delete(job.requestId);
		opts.onFinish(job);
		pump();
	}

	/**
	 * Ends a waiting job without running it; the jobs behind it move up.
	 * @param {Job} job
	 * @param {'start-timeout' | 'cancelled'} why
	 * @param {JobResult} result
	 */
	function endUnstarted(job, why, result) {
		const i = waiting.indexOf(job);
		waiting.splice(i, 1);
		clearTimeout(deadlines.get(job.requestId));
		deadlines.delete(job.requestId);
		job.endedUnstarted = why;
		for (const w of waiting.slice(i)) notify(w);
		finish(job, result);
	}

	/** @param {Job} job */
	function start(job) {
		clearTimeout(deadlines.get(job.requestId));
		deadlines.delete(job.requestId);
		job.status = 'IN_PROGRESS';
		job.startedAt = Date.now();
		inProgress += 1;
		peakInProgress = Math.max(peakInProgress, inProgress);
		log(job, 'Processing audio');
		notify(job);
		// Like the real app, a bad input fails at once instead of after the processing time.
		const detail = opts.validate(job.input, job.parseError);
		if (detail.length > 0) {
			finish(job, { status: 422, body: { detail } });
			return;
		}
		const gen = generation;
		const timer = setTimeout(() => {
			opts.answer(job.input, job).then(
				(result) => gen === generation && finish(job, result),
				() => gen === generation && finish(job, { status: 500, body: { detail: 'Internal Server Error' } }),
			);
		}, Math.max(0, opts.latencyFor(job.input, job.index)));
		timers.set(job.requestId, timer);
	}

	/**
	 * Queues a job behind those of its priority and ahead of lower ones, which move down.
	 * @param {Job} job
	 */
	function enqueue(job) {
		const firstLow = job.priority === 'normal' ? waiting.findIndex((w) => w.priority === 'low') : -1;
		if (firstLow < 0) return void waiting.push(job);
		waiting.splice(firstLow, 0, job);
		for (const moved of waiting.slice(firstLow + 1)) notify(moved);
	}

	/** Starts waiting jobs while slots are free; the jobs left behind move up the queue. */
	function pump() {
		let moved = false;
		while (inProgress < concurrency && waiting.length > 0) {
			const job = waiting[0];
			// Never started late, even when a slot frees before the deadline timer has fired.
			if (job.startDeadline !== null && Date.now() > job.startDeadline) endUnstarted(job, 'start-timeout', startTimeoutResult());
			else start(/** @type {Job} */ (waiting.shift()));
			moved = true;
		}
		if (moved) for (const job of waiting) notify(job);
	}

	return {
		jobs,

		/**
		 * @param {unknown} input
		 * @param {{
		 *   webhookUrl?: string | null, sync?: boolean, parseError?: boolean, priority?: Priority,
		 *   startTimeoutMs?: number, storeIo?: boolean,
		 * }} [o]
		 */
		submit(input, o = {}) {
			const createdAt = Date.now();
			/** @type {Job} */
			const job = {
				requestId: randomUUID(),
				index: nextIndex++,
				input,
				priority: o.priority ?? 'normal',
				status: 'IN_QUEUE',
				createdAt,
				startedAt: null,
				completedAt: null,
				startDeadline: o.startTimeoutMs === undefined ? null : createdAt + o.startTimeoutMs,
				endedUnstarted: null,
				resultExpiresAt: null,
				cancelRequestedAt: null,
				cancelledWhile: null,
				cancelled: false,
				cancelledAt: null,
				result: null,
				deliveries: 0,
				cancelRequests: [],
				key: opts.keyOf ? opts.keyOf(input) : undefined,
				webhookUrl: o.webhookUrl ?? null,
				sync: !!o.sync,
				parseError: !!o.parseError,
				storeIo: o.storeIo ?? true,
				payloadsDeletedAt: null,
				cost: null,
				logs: [],
			};
			jobs.set(job.requestId, job);
			enqueue(job);
			pump();
			peakQueued = Math.max(peakQueued, waiting.length);
			const deadline = job.startDeadline;
			if (deadline !== null && job.status === 'IN_QUEUE') {
				deadlines.set(
					job.requestId,
					setTimeout(() => endUnstarted(job, 'start-timeout', startTimeoutResult()), Math.max(0, deadline - Date.now())),
				);
			}
			return job;
		},

		/**
		 * The status JSON, as GET .../status and the SSE stream send it.
		 * @param {Job} job
		 * @param {boolean} withLogs
		 */
		statusOf(job, withLogs) {
			const base = `${REQUESTS_BASE}/${job.requestId}`;
			/** @type {Record<string, unknown>} */
			const s = {
				status: job.status,
				request_id: job.requestId,
				response_url: base,
				status_url: `${base}/status`,
				cancel_url: `${base}/cancel`,
			};
			if (job.status === 'IN_QUEUE') s.queue_position = waiting.indexOf(job);
			if (withLogs && job.status !== 'IN_QUEUE') s.logs = job.logs;
			if (job.status === 'COMPLETED' && job.startedAt !== null && job.completedAt !== null) {
				s.metrics = { inference_time: (job.completedAt - job.startedAt) / 1000 };
			}
			return s;
		},

		/**
		 * A cancel request (PUT .../cancel, or a sync caller going away). `cancelled` is set only when
		 * the job ends because of it; a running app asked again may still decide to stop.
		 * @param {Job} job
		 * @param {number} [at] when the request arrived (the cancel route records the same time)
		 * @returns {boolean} false when the job had already completed
		 */
		cancel(job, at = Date.now()) {
			if (job.status === 'COMPLETED') return false;
			if (jobs.get(job.requestId) !== job) return false; // dropped by reset()
			if (job.cancelRequestedAt === null) {
				job.cancelRequestedAt = at;
				job.cancelledWhile = job.status;
			}
			const stop = job.status === 'IN_QUEUE' || opts.cancelBehaviour(job) === 'stop';
			if (!stop) return true;
			job.cancelled = true;
			job.cancelledAt = at;
			if (job.status === 'IN_QUEUE') {
				endUnstarted(job, 'cancelled', { status: 400, body: { detail: 'Request was cancelled' } });
			} else {
				clearTimeout(timers.get(job.requestId));
				finish(job, { status: 499, body: { detail: 'Request cancelled' } });
			}
			return true;
		},

		/**
		 * Calls fn on every status change of the job (including queue_position moves).
		 * @param {Job} job
		 * @param {(job: Job) => void} fn
		 * @returns {() => void} unsubscribe
		 */
		subscribe(job, fn) {
			let set = listeners.get(job.requestId);
			if (!set) listeners.set(job.requestId, (set = new Set()));
			set.add(fn);
			return () => {
				set.delete(fn);
			};
		},

		stats() {
			return { inProgress, queued: waiting.length, peakInProgress, peakQueued, concurrency };
		},

		/**
		 * The account's IN_PROGRESS limit, changed at runtime (a raise starts waiting jobs at once;
		 * a cut lets running jobs finish and holds new starts until under the limit).
		 * @param {number} n
		 */
		setConcurrency(n) {
			concurrency = n;
			pump();
		},

		/** Drops every job and timer (reset() and close()). */
		clear() {
			generation += 1;
			for (const t of [...timers.values(), ...deadlines.values()]) clearTimeout(t);
			timers.clear();
			deadlines.clear();
			listeners.clear();
			waiting.length = 0;
			jobs.clear();
			inProgress = 0;
			peakInProgress = 0;
			peakQueued = 0;
			nextIndex = 0;
		},
	};
}

module.exports = { createQueue, REQUESTS_BASE };
