import { sleep } from 'n8n-workflow';

import { TIMER_CANCELLED } from './signals';

// Timers through n8n-workflow's `sleep` (node code may not call setTimeout), which clears its timer when its
// signal aborts: a finished wait leaves no timer holding memory.

/** A timer fires at once above this (Node's limit); longer waits go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleeps `ms`, however long (up to days), unless `signal` aborts first (then rejects with its reason). */
export async function sleepLong(ms: number, signal: AbortSignal): Promise<void> {
	for (let left = ms; left > 0; left -= MAX_TIMER_MS) await sleep(Math.min(left, MAX_TIMER_MS), signal);
}

/**
 * Resolves when no `touch()` came for `ms`. A touch only notes the time (a stream may send many events); the
 * one timer, when it fires, sleeps again for what is left since the last touch. `stop()` releases it.
 */
export function inactivity(ms: number) {
	let last = Date.now();
	const timer = new AbortController();
	// After stop() it never settles: nothing is waiting for it any more.
	const stalled = new Promise<'stalled'>((resolve) => {
		void (async () => {
			for (let left = ms; left > 0; left = last + ms - Date.now()) await sleep(left, timer.signal);
			resolve('stalled');
		})().catch(() => {});
	});
	return { stalled, touch: () => (last = Date.now()), stop: () => timer.abort(TIMER_CANCELLED) };
}
