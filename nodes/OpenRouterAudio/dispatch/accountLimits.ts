import { createHash } from 'node:crypto';

import { ExpiringMap } from '../lib/expiringMap';

// A fal account's limit on running jobs does not change from one execution to the next (it rises with
// purchased credits), so what one execution learned is where the next one starts: a workflow that runs
// batches all day ramps up once per n8n process, not once per batch. Kept in memory only, by a digest of
// the API key (never the key), bounded in number and age.

const MAX_ACCOUNTS = 100;
/** After a day the limit is learned again: credits bought since may have raised it. */
const TTL_MS = 24 * 60 * 60 * 1000;

export class AccountLimits {
	private readonly limits: ExpiringMap<number>;

	constructor(now: () => number = Date.now) {
		this.limits = new ExpiringMap({ maxEntries: MAX_ACCOUNTS, ttlMs: TTL_MS }, now);
	}

	recall(apiKey: string): number | undefined {
		return this.limits.get(digest(apiKey));
	}

	remember(apiKey: string, limit: number): void {
		if (limit > 0) this.limits.set(digest(apiKey), limit);
	}

	get size(): number {
		return this.limits.size;
	}
}

const digest = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

/** The n8n process's memory of account limits, shared by every execution of the node. */
export const accountLimits = new AccountLimits();
