import { randomUUID } from 'node:crypto';

import { FalRequestFailed } from './attempts';
import type { FalSession } from './session';

// Deleting a request's stored payloads (fal.ai/docs/platform-apis/v1/models/requests/payloads): its input and
// output in the request history, and the CDN files of its output (this endpoint makes none). Files in its input
// (an uploaded recording) are not deleted. Needs an admin API key.

/** What became of a deletion: it never throws, since the item it follows has been delivered. */
export type PayloadDeletion = { deleted: true } | { deleted: false; reason: string };

const payloadsUrl = (requestId: string) => `https://api.fal.ai/v1/models/requests/${encodeURIComponent(requestId)}/payloads`;

/**
 * Deletes the payloads of `requestId` with `adminKey`. The session's fetch makes the attempts; one Idempotency-Key
 * for all of them makes a repeat after a lost answer safe. The reason names fal's status only: nothing fal sent
 * back (which could echo the key) reaches the item.
 */
export async function deletePayloads(session: FalSession, requestId: string, adminKey: string, signal: AbortSignal): Promise<PayloadDeletion> {
	try {
		const response = await session.fetch(payloadsUrl(requestId), {
			method: 'DELETE',
			headers: { Authorization: `Key ${adminKey}`, 'Idempotency-Key': randomUUID(), Accept: 'application/json' },
			signal,
		});
		if (response.ok) return { deleted: true };
		return { deleted: false, reason: refusal(response.status) };
	} catch (error) {
		if (signal.aborted) return { deleted: false, reason: 'fal did not answer the deletion in time' };
		const status = error instanceof FalRequestFailed ? error.info.status : undefined;
		const tried = error instanceof FalRequestFailed ? ` (${error.info.attempts} attempts)` : '';
		return { deleted: false, reason: status ? `${refusal(status)}${tried}` : `fal could not be reached or did not answer${tried}` };
	}
}

function refusal(status: number): string {
	if (status === 401 || status === 403) return `fal refused the credential's Admin API Key (HTTP ${status}): it must be an admin key of the same account`;
	if (status === 404) return 'fal does not know the request (HTTP 404)';
	return `fal answered HTTP ${status}`;
}
