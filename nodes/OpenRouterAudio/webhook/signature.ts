// fal's webhook signature, as "Verifying your webhook" describes it
// (https://docs.fal.ai/model-apis/model-endpoints/webhooks): four headers, an Ed25519 signature (hex) over
//   <request id> \n <user id> \n <timestamp> \n <hex SHA-256 of the raw body>
// checked against the public keys fal publishes as a JWKS, and a timestamp within 5 minutes of now.
// fal names no key in the headers: the signature is tried against every key of the set.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Where fal publishes the keys it signs webhooks with: the docs' URL first; receivers built against fal's live
 * service also fetch the same set from rest.fal.ai, tried when the first cannot be had (both are fal's hosts).
 */
export const FAL_JWKS_URLS = ['https://rest.alpha.fal.ai/.well-known/jwks.json', 'https://rest.fal.ai/.well-known/jwks.json'] as const;

/** fal's docs: a delivery whose timestamp is more than 5 minutes from now is refused. */
export const TIMESTAMP_TOLERANCE_S = 300;

export const SIGNATURE_HEADERS = {
	requestId: 'x-fal-webhook-request-id',
	userId: 'x-fal-webhook-user-id',
	timestamp: 'x-fal-webhook-timestamp',
	signature: 'x-fal-webhook-signature',
} as const;

export interface SignatureHeaders {
	requestId: string;
	userId: string;
	timestamp: string;
	/** Hex. */
	signature: string;
}

/** Why a delivery was refused: for n8n's log only, never for the caller. */
export class Refused extends Error {
	override name = 'Refused';
}

/** The four headers, or a refusal naming the first one missing. */
export function readSignatureHeaders(header: (name: string) => unknown): SignatureHeaders {
	const read = (name: string): string => {
		const value = header(name);
		const text = Array.isArray(value) ? value[0] : value;
		if (typeof text !== 'string' || !text.trim()) throw new Refused(`the ${name} header is missing`);
		return text.trim();
	};
	return {
		requestId: read(SIGNATURE_HEADERS.requestId),
		userId: read(SIGNATURE_HEADERS.userId),
		timestamp: read(SIGNATURE_HEADERS.timestamp),
		signature: read(SIGNATURE_HEADERS.signature),
	};
}

/** The signed timestamp (seconds) is within fal's tolerance of `nowMs`. */
export function checkTimestamp(timestamp: string, nowMs: number): void {
	if (!/^\d{1,12}$/.test(timestamp)) throw new Refused(`the timestamp ${JSON.stringify(timestamp.slice(0, 40))} is not Unix seconds`);
	const skew = Math.abs(nowMs / 1000 - Number(timestamp));
	if (skew > TIMESTAMP_TOLERANCE_S) throw new Refused(`the timestamp is ${Math.round(skew)} s from now, more than fal's ${TIMESTAMP_TOLERANCE_S} s`);
}

/** The message fal signs: the three headers and the body's SHA-256 (hex), one per line. */
export function signedMessage(headers: Pick<SignatureHeaders, 'requestId' | 'userId' | 'timestamp'>, rawBody: Buffer): Buffer {
	const bodyHash = createHash('sha256').update(rawBody).digest('hex');
	return Buffer.from(`${headers.requestId}\n${headers.userId}\n${headers.timestamp}\n${bodyHash}`, 'utf8');
}

/** The Ed25519 public keys of a JWKS document; other keys are skipped. */
export function keysOfJwks(document: unknown): KeyObject[] {
	const keys = (document as { keys?: unknown } | null)?.keys;
	if (!Array.isArray(keys)) throw new Error('the key set has no "keys" array');
	const found: KeyObject[] = [];
	for (const jwk of keys as Array<Record<string, unknown>>) {
		if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
		try {
			found.push(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
		} catch {
			// a malformed key verifies nothing
		}
	}
	return found;
}

/** Whether one of `keys` made `signatureHex` over `message`. */
export function signedByOneOf(message: Buffer, signatureHex: string, keys: readonly KeyObject[]): boolean {
	if (!/^(?:[0-9a-f]{2})+$/i.test(signatureHex)) return false;
	const signature = Buffer.from(signatureHex, 'hex');
	// An Ed25519 signature is 64 bytes; anything else verifies nothing.
	if (signature.length !== 64) return false;
	return keys.some((key) => {
		try {
			return verify(null, message, key, signature);
		} catch {
			return false;
		}
	});
}
