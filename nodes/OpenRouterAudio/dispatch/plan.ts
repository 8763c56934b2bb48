import { accountLimits } from './accountLimits';
import { AdaptiveDispatcher } from './dispatcher';
import type { Admission } from './pool';
import { unboundedSlots, type JobSlots } from './slots';

/** How an operation's items use fal: each waits for its job, only submits one, or only looks one up. */
export type Flow = 'waits' | 'submits' | 'looksUp';

/** Items at once when nothing waits on fal's queue: lookups, and submits when automatic. */
const FIXED_AT_ONCE = 5;

/** How an execution's items flow, and what it teaches the next execution when its items are done. */
export interface Dispatch {
	slots: JobSlots;
	admission: Admission;
	finished?: () => void;
}

/**
 * Items that wait for their jobs get an adaptive window of job slots that follows what fal reports, and prepare
 * (and upload) just ahead of it. Items that only make quick requests go a fixed number at a time. `max` is "Max
 * Concurrent Jobs" (Infinity: automatic).
 */
export function planDispatch(flow: Flow, max: number, apiKey: string): Dispatch {
	if (flow !== 'waits') {
		const atOnce = flow === 'submits' && Number.isFinite(max) ? max : FIXED_AT_ONCE;
		return { slots: unboundedSlots(), admission: { limit: () => atOnce } };
	}
	const dispatcher = new AdaptiveDispatcher(max, accountLimits.recall(apiKey));
	return {
		slots: dispatcher,
		admission: { limit: () => dispatcher.itemsAhead(), onChange: (listener) => dispatcher.onChange(listener) },
		// Under a user's bound the account may allow more than was seen: only an automatic run teaches.
		finished: () => {
			if (!Number.isFinite(max)) accountLimits.remember(apiKey, dispatcher.window.limit);
		},
	};
}
