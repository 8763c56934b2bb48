import { createHash } from 'node:crypto';

import { ExpiringMap } from '../process/expiringMap';

// n8n's "Retry On Fail" runs the node again, with every input item, in the same process and execution. So
// that a retry does not pay twice, each item's fal job is remembered here by execution, node and item, with
// a fingerprint of what was asked: a retry re-attaches to a job that is still running, takes the answer of
// one that completed, and submits only items that never got a job. Nothing is written anywhere; entries
// expire and their number is bounded, so a long-running n8n process does not grow.

export interface JobKey {
	executionId: string;
	nodeName: string;
	itemIndex: number;
}

export interface RememberedJob {
	requestId: string;
	/** fal reported the job COMPLETED: its result can be fetched again without a new job. */
	completed: boolean;
}

interface Entry extends RememberedJob {
	fingerprint: string;
}

export interface JobMemoryLimits {
	maxEntries: number;
	ttlMs: number;
}

// A day covers n8n's longest retry waits (5 s between tries, at most 5 tries) many times over, and a
// day of a busy instance's items fits in a few megabytes.
export const DEFAULT_LIMITS: JobMemoryLimits = { maxEntries: 20_000, ttlMs: 24 * 60 * 60 * 1000 };

/** A stable digest of everything that decides the answer: the endpoint input and the audio's identity. */
export function fingerprint(value: unknown): string {
	return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, field]) => field !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${stableJson(field)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export class JobMemory {
	private readonly entries: ExpiringMap<Entry>;

	constructor(limits: JobMemoryLimits = DEFAULT_LIMITS, now: () => number = Date.now) {
		this.entries = new ExpiringMap(limits, now);
	}

	/** The job this item already has for the same request, if any. A changed request is not served. */
	recall(key: JobKey, print: string): RememberedJob | undefined {
		const id = keyOf(key);
		const entry = this.entries.get(id);
		if (!entry) return undefined;
		if (entry.fingerprint !== print) {
			this.entries.delete(id);
			return undefined;
		}
		return { requestId: entry.requestId, completed: entry.completed };
	}

	/** fal accepted a job for this item. */
	submitted(key: JobKey, print: string, requestId: string): void {
		this.entries.set(keyOf(key), { requestId, completed: false, fingerprint: print });
	}

	/** fal reported the item's job COMPLETED. */
	completed(key: JobKey, requestId: string): void {
		const entry = this.entries.get(keyOf(key));
		if (entry?.requestId === requestId) entry.completed = true;
	}

	/** The job is gone (cancelled, failed at fal, or its answer is in an output item): nothing to reuse. */
	forget(key: JobKey): void {
		this.entries.delete(keyOf(key));
	}

	get size(): number {
		return this.entries.size;
	}
}

const keyOf = (key: JobKey) => JSON.stringify([key.executionId, key.nodeName, key.itemIndex]);

/** One memory per n8n process: the retries of a node run in the process that ran it first. */
export const jobMemory = new JobMemory();
