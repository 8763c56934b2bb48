// Which jobs the trigger has already started an execution for, so that fal's retries of a delivery (10 over
// 2 hours, https://docs.fal.ai/model-apis/model-endpoints/webhooks, "Retry policy") and copies of it start
// nothing. Kept in the workflow's static data (n8n saves it with the workflow once the webhook has answered,
// so it survives restarts and is shared by every process that serves the webhook), bounded in time and
// count; a request ID older than that, or pushed out by newer ones, would start a second execution, and every
// item carries `requestId` so a downstream step can still drop such a copy.
import type { IDataObject } from 'n8n-workflow';

/** Three times fal's retry window: a retry of a job accepted within it is always still remembered. */
export const REMEMBER_MS = 6 * 60 * 60 * 1000;
/** The most request IDs kept; the oldest go first. About 60 bytes each in the workflow's static data. */
export const REMEMBER_MAX = 10_000;

const KEY = 'acceptedRequests';

/**
 * The accepted request IDs in one node's static data. The same process also keeps them in memory, for
 * two copies of a delivery that arrive before the static data of the first is saved.
 */
export class DeliveryMemory {
	private static readonly recent = new Map<string, number>();

	constructor(
		private readonly staticData: IDataObject,
		/** The workflow and node, so the process's memory tells nodes apart. */
		private readonly scope: string,
		private readonly now: () => number = Date.now,
	) {}

	private get accepted(): Record<string, number> {
		const value = this.staticData[KEY];
		if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, number>;
		const fresh: Record<string, number> = {};
		this.staticData[KEY] = fresh;
		return fresh;
	}

	/** Whether a delivery for `requestId` was already accepted (within the bounds). */
	has(requestId: string): boolean {
		const since = this.now() - REMEMBER_MS;
		const at = this.accepted[requestId] ?? DeliveryMemory.recent.get(`${this.scope}\n${requestId}`);
		return at !== undefined && at >= since;
	}

	/** Remembers `requestId` as accepted now, and forgets what is past the bounds. */
	remember(requestId: string): void {
		const now = this.now();
		const kept = Object.entries(this.accepted).filter(([id, at]) => id !== requestId && typeof at === 'number' && at >= now - REMEMBER_MS);
		kept.sort((a, b) => a[1] - b[1]);
		const next = Object.fromEntries(kept.slice(Math.max(0, kept.length - (REMEMBER_MAX - 1))));
		next[requestId] = now;
		this.staticData[KEY] = next;
		const recent = DeliveryMemory.recent;
		recent.set(`${this.scope}\n${requestId}`, now);
		for (const [key, at] of recent) {
			if (recent.size <= REMEMBER_MAX && at >= now - REMEMBER_MS) break;
			recent.delete(key);
		}
	}
}
