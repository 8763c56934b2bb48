// What became of an item's fal job, as far as fal told the node. The job/ folder decides it (job/lifecycle.ts,
// job/fate.ts) and remembers it for Retry On Fail (job/retryMemory.ts); errors/ words it for the user
// (errors/jobFailure.ts). It sits below both, so both import it.
import type { CancelAnswer } from '../transport/queue';

/** Where the job was when the item cancelled it, from the last status fal reported. */
export type SeenAs = 'queued' | 'running' | 'unseen';

/** What became of the item's fal job, as far as fal told the node. */
export type JobFate =
	/** No job was created. */
	| { kind: 'none' }
	/** A job exists and the item left it alone (Get Job watches a job it did not submit). */
	| { kind: 'held' }
	/** fal completed it: its answer (or the app's error) exists and is billed. */
	| { kind: 'completed' }
	/** A submit's answer was lost and the item stopped before fal's history told whether it created a job. */
	| { kind: 'mayExist'; since: number }
	/** fal's start timeout ("Max Queue Wait") passed before a runner started it: it never ran, nothing is billed. */
	| { kind: 'endedUnstarted' }
	/**
	 * The item asked fal to cancel it. `ended` is what the item then saw of a job that was not known to wait in
	 * the queue: it stopped, it ran on to its end anyway, or it was still running when the item stopped watching.
	 */
	| { kind: 'cancel'; answer: CancelAnswer; seenAs: SeenAs; ended?: 'stopped' | 'completed' | 'running' };

/** The job may still run (and be billed) at fal, or its answer exists: a retry takes it over instead of paying anew. */
export function jobOutlivesItem(fate: JobFate): boolean {
	switch (fate.kind) {
		case 'completed':
			return true;
		case 'cancel':
			if (fate.answer === 'completed' || fate.answer === 'failed') return true;
			return fate.answer === 'requested' && fate.seenAs !== 'queued' && fate.ended !== 'stopped';
		default:
			return false;
	}
}

/** fal's answer is paid for and can still be fetched. */
export const answerExists = (fate: JobFate) =>
	fate.kind === 'completed' || (fate.kind === 'cancel' && (fate.answer === 'completed' || fate.ended === 'completed'));
