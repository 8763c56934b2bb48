import { reportStatus, type JobSlot } from '../dispatch/slots';
import type { TimeLimits } from '../params/timeouts';
import { anySignal, untilAborted } from '../transport/abort';
import { FalRequestFailed } from '../transport/attempts';
import type { QueueStatus, Result } from '../transport/fal';
import { cancelJob, fetchResult, fetchStatus, submitJob, type AudioRequest, type CancelOutcome } from '../transport/queue';
import type { RetryPolicy } from '../transport/retry';
import type { FalSession } from '../transport/session';
import type { ItemRun } from '../actions/item';
import { ItemClock, TimeLimitReached } from './clock';
import { describeFailure, JobMayExist, type StopCause } from './failure';
import { reconcile } from './reconcile';
import type { RememberedItem } from './reuse';
import { waitUntilCompleted } from './wait';

/**
 * One item's fal job, from its input to its answer:
 *
 *   prepared → uploaded → submitted → running → completed
 *        any state → failed | cancelled
 *
 * The guarantees every operation relies on:
 * - at most one job per item: a submit is repeated only where fal certainly did not create the job
 *   (transport/attempts.ts); when that is uncertain, fal's request history decides (reconcile.ts);
 * - no job outlives its failed item: whatever ends the item after submit (an error, its time limit, a failed
 *   sibling, a Stop) cancels the job unless fal completed it, also when the submit was still on the wire;
 * - a job that completed keeps its request ID in the item's error, so Get Job can fetch the paid answer.
 */
export type JobState = 'prepared' | 'uploaded' | 'submitted' | 'running' | 'completed' | 'failed' | 'cancelled';

const NEXT: Record<JobState, JobState[]> = {
	prepared: ['uploaded', 'failed'],
	uploaded: ['submitted', 'failed'],
	submitted: ['running', 'completed', 'failed', 'cancelled'],
	running: ['completed', 'failed', 'cancelled'],
	completed: ['failed'],
	failed: [],
	cancelled: [],
};

/** How long a submit already on the wire may still take after its item was stopped: its answer names the job to cancel. */
export const SUBMIT_GRACE_MS = 10_000;
/** How long the answer of a job that completed as its item's time ran out may take to fetch. */
const LATE_RESULT_MS = 30_000;

/**
 * A signal that aborts `ms` after `signal` does, and `dispose` for when it is no longer needed. Node keeps a
 * signal from AbortSignal.any alive while it has an abort listener, so a listener left on the item's signal
 * would hold the item's job in memory for the life of the process.
 */
function graceAfter(signal: AbortSignal, ms: number): { signal: AbortSignal; dispose: () => void } {
	const controller = new AbortController();
	const arm = () => AbortSignal.timeout(ms).addEventListener('abort', () => controller.abort(signal.reason), { once: true });
	if (signal.aborted) arm();
	else signal.addEventListener('abort', arm, { once: true });
	return { signal: controller.signal, dispose: () => signal.removeEventListener('abort', arm) };
}

export class JobLifecycle {
	state: JobState = 'prepared';
	requestId: string | undefined;
	/** Aborts on a Stop, a failed sibling item, or the item's time limit. */
	readonly signal: AbortSignal;
	/** The execution's session, bound to this item's retry policy, signal and time left. */
	readonly session: FalSession;
	private readonly clock: ItemClock;
	private slot: JobSlot | undefined;
	private submitting: Promise<string> | undefined;
	private memory: RememberedItem | undefined;
	private cancelOutcome: CancelOutcome | undefined;
	private readonly policy: RetryPolicy;

	constructor(
		private readonly run: ItemRun,
		limits: TimeLimits,
		policy: RetryPolicy,
	) {
		this.policy = policy;
		this.clock = new ItemClock(limits);
		this.clock.enter('active');
		this.signal = anySignal(run.stop, run.cancelSignal, this.clock.signal)!;
		this.session = run.session.forItem({ policy, signal: this.signal, remainingMs: () => this.clock.remainingMs() });
	}

	/** The item watches a job submitted earlier (Get Job): no time limits, nothing to cancel on failure. */
	static attach(run: ItemRun, requestId: string, policy: RetryPolicy): JobLifecycle {
		const job = new JobLifecycle(run, { timeoutMs: 0, queueWaitMs: 0 }, policy);
		job.requestId = requestId;
		job.state = 'submitted';
		return job;
	}

	private to(next: JobState): void {
		if (this.state === next) return;
		if (!NEXT[this.state].includes(next)) throw new Error(`Job lifecycle: ${this.state} cannot become ${next}`);
		this.state = next;
		if (next === 'completed') this.memory?.completed(this.requestId!);
	}

	/**
	 * n8n's Retry On Fail runs the node again with every item. An item whose job an earlier try already has
	 * (same execution, node, item and request) takes it over: a running job is waited for again, a completed
	 * one's answer is read again; either way nothing is uploaded or paid anew. Returns that job's request ID,
	 * or undefined when the item goes on to upload and submit.
	 */
	async reuse(memory: RememberedItem): Promise<string | undefined> {
		this.memory = memory;
		const known = memory.recall();
		if (!known) return undefined;
		this.requestId = known.requestId;
		this.session.owned.add(known.requestId);
		this.submitting = Promise.resolve(known.requestId); // ours: cancelled if the item fails
		if (known.completed) {
			this.state = 'completed';
			return known.requestId;
		}
		this.state = 'submitted';
		this.clock.enter('paused');
		this.slot = await this.run.slots.acquire(this.signal);
		this.clock.enter('active');
		return known.requestId;
	}

	/** prepared → uploaded: `work` resolves the audio (uploading a binary file) within the item's time. */
	async upload(work: (session: FalSession, signal: AbortSignal) => Promise<string>): Promise<string> {
		const audioUrl = await untilAborted(this.signal, async () => await work(this.session, this.signal));
		this.to('uploaded');
		return audioUrl;
	}

	/** uploaded → submitted: waits for a dispatch slot, submits once, reconciles an uncertain submit. */
	async submit(input: AudioRequest, webhookUrl?: string): Promise<string> {
		this.clock.enter('paused');
		this.slot = await this.run.slots.acquire(this.signal);
		this.clock.enter('active');
		const grace = graceAfter(this.signal, SUBMIT_GRACE_MS);
		const submitting = this.submitOnce(input, webhookUrl, grace.signal);
		// Handled here too: a submit left to finish on the wire after a Stop has nobody else waiting for it.
		submitting.finally(grace.dispose).catch(() => {});
		this.submitting = submitting;
		const requestId = await untilAborted(this.signal, async () => await submitting);
		this.submitted(requestId);
		return requestId;
	}

	private submitted(requestId: string): void {
		this.requestId = requestId;
		this.session.owned.add(requestId);
		this.to('submitted');
		this.memory?.submitted(requestId);
		// The request ID in n8n's log is what an operator can recover a paid answer with if this process dies.
		const { ctx, itemIndex } = this.run;
		ctx.logger.info(`fal job ${requestId} submitted for item ${itemIndex} of node "${ctx.getNode().name}" (execution ${ctx.getExecutionId()})`);
		// Still "Timeout" time until fal reports the job IN_QUEUE: a job whose status cannot be read is not queued.
	}

	private async submitOnce(input: AudioRequest, webhookUrl: string | undefined, wire: AbortSignal): Promise<string> {
		for (let resubmitted = false; ; resubmitted = true) {
			const sentAt = Date.now();
			const submitted = await submitJob(this.session, input, wire, webhookUrl).then(
				(requestId) => ({ requestId }),
				(error: unknown) => ({ error }),
			);
			if ('requestId' in submitted) return submitted.requestId;
			const { error } = submitted;
			// Only a submit fal may have acted on is reconciled; any other failure is the item's error.
			if (!(error instanceof FalRequestFailed && error.info.uncertain)) throw error;
			const found = await reconcile(this.session, input, sentAt, this.signal, () => this.clock.remainingMs());
			if ('adopted' in found) return found.adopted;
			if ('none' in found && !resubmitted) continue;
			const reason = 'unresolved' in found ? found.unresolved : "fal's request history still lists no job after a second uncertain submit";
			throw new JobMayExist(sentAt, reason, lostAnswer(error), 'candidates' in found ? found.candidates : []);
		}
	}

	/** What fal reports about the job: moves the state, the clock and the dispatch slot. */
	private onStatus = (status: QueueStatus): void => {
		if (this.slot) reportStatus(this.slot)(status);
		if (status.status === 'IN_QUEUE') {
			this.clock.enter('queued');
		} else if (status.status === 'IN_PROGRESS') {
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

	/** The job's status once (Get Job). */
	async status(): Promise<QueueStatus> {
		const status = await fetchStatus(this.session, this.requestId!, this.signal);
		if (status.status === 'COMPLETED') this.to('completed');
		return status;
	}

	async result(): Promise<Result<unknown>> {
		return await fetchResult(this.session, this.requestId!, this.signal);
	}

	/**
	 * Runs the item's steps. On failure: waits (briefly) for a submit still on the wire, cancels the job unless
	 * fal completed it, and throws the n8n error that says what happened to it. Always frees the slot.
	 */
	async execute<T>(steps: (job: JobLifecycle) => Promise<T>, deliver?: (result: Result<unknown>) => Promise<T>): Promise<T> {
		try {
			return await steps(this);
		} catch (error) {
			const failure = await this.fail(error);
			// fal completed the job just as the item's time ran out (the cancel was refused): the answer is
			// paid for, so it is fetched and delivered rather than thrown away.
			if (deliver && this.cancelOutcome === 'completed' && this.stopCause() instanceof TimeLimitReached) {
				const late = await this.lateResult();
				if (late) return await deliver(late);
			}
			throw failure;
		} finally {
			this.slot?.release();
			this.clock.stop();
		}
	}

	private async fail(error: unknown) {
		const stop = this.stopCause();
		if (!this.requestId && this.submitting) {
			const requestId = await this.submitting.catch(() => undefined);
			if (requestId) this.requestId = requestId;
		}
		const completed = this.state === 'completed';
		let cancel: CancelOutcome | undefined;
		if (this.requestId && !completed && !this.attachedOnly()) cancel = await cancelJob(this.session, this.requestId);
		this.cancelOutcome = cancel;
		this.state = cancel === 'cancelled' ? 'cancelled' : 'failed';
		this.memory?.failed({ completed, cancel });
		const { ctx, itemIndex } = this.run;
		return describeFailure(ctx.getNode(), itemIndex, this.session.apiKey, { error, requestId: this.requestId, completed, cancel, stop });
	}

	/** The answer of a job that completed after the item's time ran out; undefined if it cannot be had now. */
	private async lateResult(): Promise<Result<unknown> | undefined> {
		const signal = AbortSignal.timeout(LATE_RESULT_MS);
		const session = this.run.session.forItem({ policy: this.policy, signal, remainingMs: () => LATE_RESULT_MS });
		const fetched = await fetchResult(session, this.requestId!, signal).then(
			(result) => result,
			() => undefined,
		);
		if (fetched) this.state = 'completed';
		return fetched;
	}

	// Get Job watches someone else's job: it never cancels it.
	private attachedOnly(): boolean {
		return this.submitting === undefined;
	}

	private stopCause(): StopCause {
		if (this.run.cancelSignal?.aborted) return 'user';
		if (this.clock.signal.aborted) return this.clock.signal.reason as StopCause;
		if (this.run.stop.aborted) return 'sibling';
		return undefined;
	}
}

function lostAnswer(error: FalRequestFailed): string {
	const { type, status, code } = error.info;
	if (type === 'http') return `fal answered the submit with HTTP ${status}, after which a job may exist`;
	if (type === 'unreadable') return 'fal accepted the submit, but its answer could not be read';
	return `The connection to fal broke after the submit was sent${code ? ` (${code})` : ''}`;
}
