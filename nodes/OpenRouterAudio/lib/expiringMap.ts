// What the node keeps for the life of the n8n process (the jobs Retry On Fail reuses and their answers, the fal
// accounts' limits) is held in memory only, bounded in number, in age and, where values are large, in bytes, so a
// long-running n8n does not grow.

export interface ExpiringMapLimits {
	maxEntries: number;
	ttlMs: number;
	/** The most bytes the values may take together (each value's size is given to `set`); none when absent. */
	maxBytes?: number;
}

/**
 * A Map whose entries expire `ttlMs` after they were last set and of which at most `maxEntries` (and `maxBytes`)
 * are kept. Setting an entry moves it to the end, so the Map's order is the order of expiry and of eviction.
 */
export class ExpiringMap<V> {
	private readonly entries = new Map<string, { value: V; expiresAt: number; bytes: number }>();
	private bytes = 0;

	constructor(
		private readonly limits: ExpiringMapLimits,
		private readonly now: () => number = Date.now,
	) {}

	/** The value, unless it has expired (an expired entry is dropped). */
	get(key: string): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.delete(key);
			return undefined;
		}
		return entry.value;
	}

	/** Sets the value, `bytes` its size; one larger than `maxBytes` alone is not kept (and the key's old value goes). */
	set(key: string, value: V, bytes = 0): void {
		this.delete(key);
		const maxBytes = this.limits.maxBytes ?? Infinity;
		if (bytes > maxBytes) return;
		this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs, bytes });
		this.bytes += bytes;
		const now = this.now();
		for (const [oldest, entry] of this.entries) {
			if (this.entries.size <= this.limits.maxEntries && this.bytes <= maxBytes && entry.expiresAt > now) break;
			this.delete(oldest);
		}
	}

	delete(key: string): void {
		const entry = this.entries.get(key);
		if (!entry) return;
		this.entries.delete(key);
		this.bytes -= entry.bytes;
	}

	get size(): number {
		return this.entries.size;
	}

	/** The bytes the values kept take together, as given to `set`. */
	get totalBytes(): number {
		return this.bytes;
	}
}
