import type { FalSession } from './session';
import { withRetries, type RetryPolicy } from './retry';

/** Uploads a file to fal storage once and returns its URL; the job then refers to it by URL. */
export async function uploadFile(session: FalSession, file: File, policy: RetryPolicy, signal: AbortSignal) {
	// storage.upload takes no signal: a client bound to the item's signal stops a timed-out upload too.
	const storage = session.clientFor(signal).storage;
	return await withRetries(async () => await storage.upload(file), policy, signal);
}
