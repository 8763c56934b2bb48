import type { IExecuteFunctions } from 'n8n-workflow';

import { reportedCost } from '../answer/answer';
import { reportStatus, type JobSlot, type JobSlots } from '../dispatch/slots';
import { describeFailure, JobMayExist } from '../errors/jobFailure';
import type { JobParams } from '../fields/job';
import type { TimeLimits } from '../fields/options';
import { anySignal, graceAfter, untilAborted } from '../lib/signals';
import { ItemSpend } from '../money/execution';
import type { SpendLedger } from '../money/ledger';
import { answerExists, type JobFate, type SeenAs } from '../outcome/jobFate';
import { TimeLimitReached, type StopCause } from '../outcome/stopCause';
import type { RetryPolicy } from '../transport/attempts';
import type { QueueStatus, Result } from '../transport/client';
import { endedUnstarted, fetchJobStatus, fetchResult, type AudioRequest, type JobStatus } from '../transport/queue';
import type { FalSession } from '../transport/session';
import { ItemClock } from './clock';
import { cancel, lateAnswer, type LateWatch } from './fate';
import { reconcile, submitNeverTwice, type LostSubmit } from './reconcile';
import type { RememberedItem } from './retryMemory';
import { waitUntilCompleted } from './wait';

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
	/** What the execution's jobs cost, and the gate of "Max Cost per Execution" (money/). */
	spend: SpendLedger;
}

/** Where an item's job is; NEXT says where it may go from each. */
export type LifecycleState = 'prepared' | 'uploaded' | 'submitted' | 'running' | 'completed' | 'failed' | 'cancelled';

const NEXT: Record<LifecycleState, LifecycleState[]> = {
	prepared: ['uploaded', 'submitted', 'completed', 'failed'],
	uploaded: ['submitted', 'failed'],
	submitted: ['running', 'completed', 'failed', 'cancelled'],
	running: ['completed', 'failed', 'cancelled'],
	completed: ['failed'],
	failed: [],
	cancelled: [],
};

/** Reconciling a lost submit when neither limit bounds it ("Max Queue Wait" and "Timeout" both 0). */
const RECONCILE_CAP_MS = 60 * 60 * 1000;

/**
 * One item's fal job, from its input to its answer:
 *
 *   prepared → uploaded → submitted → running → completed
 *   prepared → submitted | completed  (a job taken over: Get Job's, or an earlier try's under Retry On Fail)
 *        any state → failed | cancelled
 *
 * Every change of `state` goes through `to()`, which refuses one NEXT does not allow.
 *
 * The guarantees every operation relies on:
 * - at most one job per item: a submit is repeated only where fal certainly did not create the job
 *   (transport/attempts.ts); when that is uncertain, fal's request history decides (reconcile.ts);
 * - every submit carries "Max Queue Wait" as fal's start timeout: a job no runner started in time is ended by fal
 *   unstarted and unbilled, also when this process died or its cancel was lost;
 * - no job outlives its failed item unasked: whatever ends the item after submit (an error, its time limit, a
 *   failed sibling, a Stop) asks fal to cancel the job unless fal completed it, also when the submit was still on
 *   the wire; the error says what fal answered (errors/jobFailure.ts);
 * - a paid answer is not thrown away: a job that completed as its item's time ran out is delivered, and one
 *   that completed otherwise keeps its request ID in the item's error, so Get Job can fetch it.
 */
export class JobLifecycle {
	private current: LifecycleState = 'prepared';
	requestId: string | undefined;
	/** Aborts on a Stop, a failed sibling item, or the item's time limit. */
	readonly signal: AbortSignal;
	/** The execution's session, bound to this item's retry policy, signal and time left. */
	readonly session: FalSession;
	private readonly clock: ItemClock;
	/** The job's cost, counted against the execution's "Max Cost per Execution". */
	private readonly cost: ItemSpend;
	private slot: JobSlot | undefined;
	private submitting: Promise<string> | undefined;
	private memory: RememberedItem | undefined;
	/** Where fal last reported the job: what a cancel can do to it depends on it. */
	private seen: SeenAs = 'unseen';
	private fate: JobFate = { kind: 'none' };
	/** The answer of a job that ran on after the item's time ran out, fetched while watching it end. */
	private answerAfterStop: Result<unknown> | undefined;

	constructor(
		private readonly run: ItemRun,
		private readonly limits: TimeLimits,
		private readonly policy: RetryPolicy,
	) {
		this.clock = new ItemClock(limits, run.session.waits.queueWaitGraceMs);
		this.cost = new ItemSpend(run.spend, run.ctx.getNode(), run.itemIndex);
		this.clock.enter('active');
		this.signal = anySignal(run.stop, run.cancelSignal, this.clock.signal)!;
		this.session = run.session.forItem({ policy, signal: this.signal, remainingMs: () => this.clock.remainingMs() });
	}

	/**
	 * The item's own job (Analyze, Submit Job), from its settings: its time limits, its retry policy, and whether
	 * fal keeps its request data ("Keep Request Data at Fal", sent with every submit of the item).
	 */
	static forJob(run: ItemRun, params: JobParams): JobLifecycle {
		return new JobLifecycle({ ...run, session: run.session.withRequestData(params.keepRequestData) }, params, params.retry);
	}

	/** The item watches a job submitted earlier (Get Job): no time limits, nothing to cancel on failure. */
	static attach(run: ItemRun, requestId: string, policy: RetryPolicy): JobLifecycle {
		const job = new JobLifecycle(run, { timeoutMs: 0, queueWaitMs: 0 }, policy);
		job.requestId = requestId;
		job.to('submitted');
		return job;
	}

	get state(): LifecycleState {
		return this.current;
	}

	/** The one place `state` changes. */
	private to(next: LifecycleState): void {
		if (this.current === next) return;
		if (!NEXT[this.current].includes(next)) throw new Error(`Job lifecycle: ${this.current} cannot become ${next}`);
		this.current = next;
		if (next === 'completed') this.memory?.completed(this.requestId!);
	}

	/**
	 * The item's job: the one an earlier try of the node gave this item (Retry On Fail, see `reuse`), else its audio
	 * resolved (`audio`, which may upload a binary file) and a new job submitted. Returns the job's request ID.
	 */
	async start(
		memory: RememberedItem,
		audio: (session: FalSession, signal: AbortSignal) => Promise<string>,
		request: Omit<AudioRequest, 'audio_url'>,
		webhookUrl?: string,
	): Promise<string> {
		const reused = await this.reuse(memory);
		if (reused) return reused;
		const audioUrl = await this.upload(audio);
		return await this.submit({ audio_url: audioUrl, ...request }, webhookUrl);
	}

	/**
	 * n8n's Retry On Fail runs the node again with every item. An item whose job an earlier try already has
	 * (same execution, node, item and request) takes it over: a running job is waited for again, a completed
	 * one's answer is read again; either way nothing is uploaded or paid anew. Returns that job's request ID,
	 * or undefined when the item goes on to upload and submit.
	 */
	private async reuse(memory: RememberedItem): Promise<string | undefined> {
		this.memory = memory;
		const known = memory.recall();
		if (!known) return undefined;
		this.requestId = known.requestId;
		this.session.owned.set(known.requestId, 0);
		this.submitting = Promise.resolve(known.requestId); // ours: cancelled if the item fails
		if (known.completed) {
			this.to('completed');
			return known.requestId;
		}
		this.to('submitted');
		this.cost.adopted();
		await this.takeSlot();
		return known.requestId;
	}

	/** prepared → uploaded: `work` resolves the audio (uploading a binary file) within the item's time. */
	async upload(work: (session: FalSession, signal: AbortSignal) => Promise<string>): Promise<string> {
		const audioUrl = await untilAborted(this.signal, async () => await work(this.session, this.signal));
		this.to('uploaded');
		return audioUrl;
	}

	/** uploaded → submitted: waits for Max Cost per Execution and a dispatch slot, submits once, reconciles an uncertain submit. */
	async submit(input: AudioRequest, webhookUrl?: string): Promise<string> {
		// The one gate before a new job: a lost submit searched for, or sent again, stays counted under it.
		this.clock.enter('paused');
		await this.cost.admit(this.signal);
		await this.takeSlot();
		// A submit already on the wire when the item stops may still name the job to cancel.
		const grace = graceAfter(this.signal, this.session.waits.submitGraceMs);
		const submitting = submitNeverTwice({
			session: this.session,
			input,
			webhookUrl,
			queueWaitMs: this.limits.queueWaitMs,
			maxRetries: this.policy.maxRetries,
			wire: grace.signal,
			signal: this.signal,
			search: async (lost) => await this.searchForLost(lost),
			beforeResubmit: async () => await this.takeSlot(),
		});
		// Handled here too: a submit left to finish on the wire after a Stop has nobody else waiting for it.
		submitting.finally(grace.dispose).catch(() => {});
		this.submitting = submitting;
		const requestId = await untilAborted(this.signal, async () => await submitting);
		this.submitted(requestId);
		return requestId;
	}

	private submitted(requestId: string): void {
		this.requestId = requestId;
		this.to('submitted');
		this.memory?.submitted(requestId);
		// The request ID in n8n's log is what an operator can recover a paid answer with if this process dies.
		const { ctx, itemIndex } = this.run;
		ctx.logger.info(`fal job ${requestId} submitted for item ${itemIndex} of node "${ctx.getNode().name}" (execution ${ctx.getExecutionId()})`);
		// Still "Timeout" time until fal reports the job IN_QUEUE: a job whose status cannot be read is not queued.
	}

	/** Waits for a dispatch slot; that time counts against neither limit. */
	private async takeSlot(): Promise<void> {
		this.clock.enter('paused');
		this.slot = await this.run.slots.acquire(this.signal);
		this.clock.enter('active');
	}

	/**
	 * The search for a lost submit's job spends neither limit as such: it ends by itself once "Max Queue Wait"
	 * (fal's start timeout) has passed; without one, it may take what "Timeout" has left.
	 */
	private async searchForLost(lost: LostSubmit) {
		// The search may take a while, and later submits are what it learns from (rule b): the slot goes to the next
		// item meanwhile. A job it adopts runs without one; one it resubmits takes a slot again.
		this.slot?.release();
		this.slot = undefined;
		const timeLeft = this.clock.remainingMs('active');
		const until = lost.startTimeoutMs > 0 ? Infinity : Date.now() + Math.min(timeLeft, RECONCILE_CAP_MS);
		this.clock.enter('paused');
		try {
			return await reconcile(this.session, lost, this.signal, until);
		} finally {
			this.clock.enter('active');
		}
	}

	/** What fal reports about the job: moves the state, the clock and the dispatch slot. */
	private onStatus = (status: QueueStatus): void => {
		if (this.slot) reportStatus(this.slot)(status);
		if (status.status === 'IN_QUEUE') {
			this.seen = 'queued';
			this.clock.enter('queued');
		} else if (status.status === 'IN_PROGRESS') {
			this.seen = 'running';
			this.to('running');
			this.clock.enter('active');
		} else if (status.status === 'COMPLETED') {
			this.clock.enter('active');
			this.to('completed');
		}
	};

	/** submitted → running → completed, through network trouble, for as long as the item's time allows. */
	async waitForCompletion(): Promise<void> {
		if (this.state === 'completed') return;
		await waitUntilCompleted(this.session, this.requestId!, this.signal, this.onStatus);
		this.clock.enter('active');
		this.to('completed');
	}

	/** The job's status once (Get Job); fal's history answers for a job its queue no longer knows. */
	async status(): Promise<JobStatus> {
		const status = await fetchJobStatus(this.session, this.requestId!, this.signal);
		if (status.status === 'COMPLETED') this.to('completed');
		return status;
	}

	/**
	 * The job's answer; read from fal's history once fal's result store has let it go. Where fal no longer has it
	 * (or cannot be reached) and an earlier try of the node received it, that copy is the answer (retryMemory.ts).
	 */
	async result(): Promise<Result<unknown>> {
		const result = await fetchResult(this.session, this.requestId!, this.signal).catch((error: unknown) => {
			const kept = this.signal.aborted ? undefined : this.memory?.answer(this.requestId!);
			if (!kept) throw error;
			return kept;
		});
		this.memory?.answered(result);
		this.cost.answered(this.requestId!, reportedCost(result.data));
		return result;
	}

	/**
	 * Runs the item's steps. On failure: waits (briefly) for a submit still on the wire, asks fal to cancel the job
	 * unless fal completed it, and throws the n8n error that says what fal answered. Always frees the slot.
	 */
	async execute<T>(steps: (job: JobLifecycle) => Promise<T>, deliver?: (result: Result<unknown>) => Promise<T>): Promise<T> {
		try {
			return await steps(this);
		} catch (error) {
			const failure = await this.fail(error, deliver !== undefined);
			// The job completed as the item's time ran out: the answer is paid for, so it is delivered, not thrown away.
			if (deliver && answerExists(this.fate) && this.stopCause() instanceof TimeLimitReached) {
				const late = this.answerAfterStop ?? (await lateAnswer(this.late()));
				if (late) {
					this.cost.answered(this.requestId!, reportedCost(late.data));
					return await deliver(late);
				}
			}
			throw failure;
		} finally {
			this.slot?.release();
			this.cost.ended(this.requestId, this.fate);
			this.clock.stop();
		}
	}

	private async fail(error: unknown, canDeliver: boolean) {
		const stop = this.stopCause();
		let lost: JobMayExist | undefined;
		if (!this.requestId && this.submitting) {
			// A submit that was still on the wire when the item stopped: its job exists, and is cancelled below.
			const requestId = await this.submitting.catch((reason: unknown) => void (lost = reason instanceof JobMayExist ? reason : undefined));
			if (requestId) this.submitted(requestId);
		}
		this.fate = lost ? { kind: 'mayExist', since: lost.sentAt } : await this.settle(error, stop, canDeliver);
		const confirmed = this.fate.kind === 'cancel' && this.fate.answer === 'requested' && (this.fate.seenAs === 'queued' || this.fate.ended === 'stopped');
		this.to(confirmed ? 'cancelled' : 'failed');
		this.memory?.failed(this.fate);
		const { ctx, itemIndex } = this.run;
		return describeFailure(ctx.getNode(), itemIndex, {
			error,
			requestId: this.requestId,
			fate: this.fate,
			stop,
			queueWaitMs: this.limits.queueWaitMs,
		});
	}

	/** What becomes of the job of a failed item: left as it is, or cancelled, with what fal answered. */
	private async settle(error: unknown, stop: StopCause, canDeliver: boolean): Promise<JobFate> {
		if (!this.requestId) return { kind: 'none' };
		if (endedUnstarted(error)) return { kind: 'endedUnstarted' };
		if (this.state === 'completed') return { kind: 'completed' };
		// Get Job watches someone else's job: it never cancels it.
		if (this.submitting === undefined) return { kind: 'held' };
		// Out of time with an answer to deliver: a running job fal passed the cancel on to is watched a little longer.
		const watchIfRunning = canDeliver && stop instanceof TimeLimitReached;
		const { fate, answer } = await cancel(this.late(), this.seen, watchIfRunning);
		this.answerAfterStop = answer;
		return fate;
	}

	/** What watching the job after its item's time ran out needs; the item's own signal has aborted by then. */
	private late(): LateWatch {
		const { session, cancelSignal, stop } = this.run;
		return { session, requestId: this.requestId!, policy: this.policy, stops: [cancelSignal, stop] };
	}

	private stopCause(): StopCause {
		if (this.run.cancelSignal?.aborted) return 'user';
		if (this.clock.signal.aborted) return this.clock.signal.reason as StopCause;
		if (this.run.stop.aborted) return 'sibling';
		return undefined;
	}
}
