/**
 * What the node uses when an option is not set. The fields under "Options" show the same values as literal
 * defaults (n8n's lint wants literals there); a test keeps the two equal.
 */
export const DEFAULTS = {
	maxFileSizeMb: 100,
	/** Max Concurrent Jobs: 0 = automatic (learned from fal's queue). */
	concurrency: 0,
	uploadMemoryMb: 256,
	timeout: 600,
	maxQueueWait: 3600,
	maxRetries: 3,
} as const;
