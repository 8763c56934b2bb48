import { createHash } from 'node:crypto';

// A fal account's limit on running jobs does not change from one execution to the next (it rises with
// purchased credits), so what one execution learned is where the next one starts: a workflow that runs
// batches all day ramps up once per n8n process, not once per batch. Kept in memory only, by a digest of
// the API key (never the key), bounded in number and age.

const MAX_ACCOUNTS = 100;
/** After a day the limit is learned again: credits bought since may have raised it. */
const TTL_MS = 24 * 60 * 60 * 1000;

export class AccountLimits {
	private readonly limits = new Map<string, { limit: number; expiresAt: number }>();

	constructor(private readonly now: () => number = Date.now) {}

	recall(apiKey: string): number | undefined {
		const id = digest(apiKey);
		const entry = this.limits.get(id);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.limits.delete(id);
			return undefined;
		}
		return entry.limit;
	}

	remember(apiKey: string, limit: number): void {
		if (!(limit > 0)) return;
		const id = digest(apiKey);
		this.limits.delete(id); // re-inserted last: the oldest entry is the first in the map
		this.limits.set(id, { limit, expiresAt: this.now() + TTL_MS });
		if (this.limits.size > MAX_ACCOUNTS) this.limits.delete(this.limits.keys().next().value!);
	}

	get size(): number {
		return this.limits.size;
	}
}

const digest = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

/** The n8n process's memory of account limits, shared by every execution of the node. */
export const accountLimits = new AccountLimits();
