import { sleep } from 'n8n-workflow';

import { inactivity } from '../lib/timers';
import { FalRequestFailed } from '../transport/attempts';
import type { QueueStatus } from '../transport/client';
import { fetchStatus, openStatusStream } from '../transport/queue';
import type { FalSession } from '../transport/session';

// How long a quiet stream is trusted and how polls are spaced: the session's waits (transport/waits.ts).
/** After this many streams in a row that ended, broke or stalled without news, status is polled instead. */
const STREAM_FAILURES_BEFORE_POLLING = 2;
/** After this many polls the stream is tried again. */
const POLLS_BEFORE_STREAM = 10;

type StreamOutcome = { completed: true } | { completed: false; news: boolean };

async function watchStream(
	session: FalSession,
	requestId: string,
	signal: AbortSignal,
	onStatus: (status: QueueStatus) => boolean,
): Promise<StreamOutcome> {
	const stream = await openStatusStream(session, requestId);
	let news = false;
	const idle = inactivity(session.waits.streamInactivityMs);
	stream.on('data', (status: QueueStatus) => {
		idle.touch();
		if (onStatus(status)) news = true;
	});
	let onAbort = () => {};
	const aborted = new Promise<'aborted'>((resolve) => {
		onAbort = () => resolve('aborted');
		signal.addEventListener('abort', onAbort, { once: true });
	});
	const done = stream.done().then(
		(last) => ((last as QueueStatus | undefined)?.status === 'COMPLETED' ? 'completed' : 'ended'),
		() => 'broken' as const,
	);
	try {
		const outcome = await Promise.race([done, idle.stalled, aborted]);
		if (outcome !== 'completed') stream.abort();
		signal.throwIfAborted();
		return outcome === 'completed' ? { completed: true } : { completed: false, news };
	} finally {
		idle.stop();
		signal.removeEventListener('abort', onAbort);
	}
}

/**
 * Waits until fal reports the job COMPLETED, for as long as `signal` allows: a status stream that ends early,
 * breaks or stalls is reopened, and after repeated failures status is polled with backoff. A poll whose
 * attempts ran out does not end the wait (fal is still running the job); an answer that says the job cannot
 * be watched (401, 404, ...) does. `onStatus` sees every status fal reports.
 */
export async function waitUntilCompleted(
	session: FalSession,
	requestId: string,
	signal: AbortSignal,
	onStatus: (status: QueueStatus) => void,
): Promise<void> {
	// Only a change counts as news: a reopened stream always repeats the current status first.
	let last = '';
	const report = (status: QueueStatus): boolean => {
		onStatus(status);
		const now = `${status.status}:${status.status === 'IN_QUEUE' ? status.queue_position : ''}`;
		const changed = now !== last;
		last = now;
		return changed;
	};
	let failures = 0;
	for (;;) {
		signal.throwIfAborted();
		if (failures < STREAM_FAILURES_BEFORE_POLLING) {
			const outcome = await watchStream(session, requestId, signal, report);
			if (outcome.completed) return;
			failures = outcome.news ? 0 : failures + 1;
			// A short pause, so a stream that keeps ending at once does not become a busy loop.
			await sleep(250 * (failures + 1), signal);
			continue;
		}
		const { pollFirstMs, pollMaxMs } = session.waits;
		let delay = pollFirstMs;
		for (let poll = 0; poll < POLLS_BEFORE_STREAM; poll++) {
			const polled = await fetchStatus(session, requestId, signal).then(
				(status) => ({ status }),
				(error: unknown) => ({ error }),
			);
			signal.throwIfAborted();
			if ('status' in polled) {
				report(polled.status);
				if (polled.status.status === 'COMPLETED') return;
			} else if (!(polled.error instanceof FalRequestFailed)) {
				// fal says the job cannot be watched (401, 404, ...): waiting longer changes nothing.
				throw polled.error;
			}
			await sleep(delay, signal);
			delay = Math.min(pollMaxMs, Math.round(delay * 1.5));
		}
		failures = 0;
	}
}
