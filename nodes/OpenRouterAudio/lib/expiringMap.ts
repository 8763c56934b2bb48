// What the node keeps for the life of the n8n process (the jobs Retry On Fail reuses, the fal accounts'
// limits) is held in memory only, bounded in number and in age, so a long-running n8n does not grow.

/**
 * A Map whose entries expire `ttlMs` after they were last set and of which at most `maxEntries` are kept.
 * Setting an entry moves it to the end, so the Map's order is the order of expiry and of eviction.
 */
export class ExpiringMap<V> {
	private readonly entries = new Map<string, { value: V; expiresAt: number }>();

	constructor(
		private readonly limits: { maxEntries: number; ttlMs: number },
		private readonly now: () => number = Date.now,
	) {}

	/** The value, unless it has expired (an expired entry is dropped). */
	get(key: string): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return undefined;
		}
		return entry.value;
	}

	set(key: string, value: V): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs });
		const now = this.now();
		for (const [oldest, entry] of this.entries) {
			if (this.entries.size <= this.limits.maxEntries && entry.expiresAt > now) break;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}
