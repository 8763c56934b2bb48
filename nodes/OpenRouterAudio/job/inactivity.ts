import { sleep } from 'n8n-workflow';

import { TIMER_CANCELLED } from '../transport/abort';

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
