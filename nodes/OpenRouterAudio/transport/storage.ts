import type { FalSession } from './session';

/**
 * Uploads a file to fal storage once and returns its URL; the job then refers to it by URL. The session's
 * fetch makes the attempts; storage.upload takes no signal, so the client is bound to `signal`.
 */
export async function uploadFile(session: FalSession, file: File, _policy: unknown, signal: AbortSignal) {
	return await session.clientFor(signal).storage.upload(file);
}
