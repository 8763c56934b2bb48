/** webhook/signature.ts and webhook/keys.ts: fal's signature as "Verifying your webhook" describes it. */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { JWKS_MAX_AGE_MS, JWKS_REFETCH_MIN_MS, verifiedByFal } from '../../../../nodes/OpenRouterAudio/webhook/keys';
import {
	checkTimestamp,
	keysOfJwks,
	readSignatureHeaders,
	signedByOneOf,
	signedMessage,
	TIMESTAMP_TOLERANCE_S,
} from '../../../../nodes/OpenRouterAudio/webhook/signature';

function keyPair(kid: string) {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

const fal = keyPair('fal-1');
const NOW = 1_780_000_000_000;
const body = Buffer.from('{"request_id":"r-1","status":"OK","payload":{"output":"hi","usage":{}}}');

/** Signed as fal signs: request ID, user ID, timestamp and the body's SHA-256 (hex), one per line. */
function signed(raw: Buffer, by: KeyObject = fal.privateKey, timestamp = String(NOW / 1000)) {
	const hash = createHash('sha256').update(raw).digest('hex');
	const message = Buffer.from(`r-1\nuser-1\n${timestamp}\n${hash}`);
	return { requestId: 'r-1', userId: 'user-1', timestamp, signature: sign(null, message, by).toString('hex') };
}

describe('the signed message and the signature', () => {
	const keys = keysOfJwks({ keys: [fal.jwk] });
	const check = (raw: Buffer, headers = signed(body)) => signedByOneOf(signedMessage(headers, raw), headers.signature, keys);

	test('a delivery signed by a published key verifies', () => {
		expect(check(body)).toBe(true);
	});
	test('an altered body does not', () => {
		expect(check(Buffer.from(body.toString().replace('hi', 'pay 1000 EUR')), signed(body))).toBe(false);
	});
	test('a signature by another key (forged) does not', () => {
		expect(check(body, signed(body, keyPair('mallory').privateKey))).toBe(false);
	});
	test('a changed request ID, user ID or timestamp does not', () => {
		const good = signed(body);
		for (const changed of [{ requestId: 'r-2' }, { userId: 'user-2' }, { timestamp: String(NOW / 1000 + 1) }]) {
			expect(signedByOneOf(signedMessage({ ...good, ...changed }, body), good.signature, keys)).toBe(false);
		}
	});
	test('a signature that is not 64 bytes of hex verifies nothing', () => {
		const good = signed(body);
		for (const signature of ['', 'zz', good.signature.slice(2), `${good.signature}00`]) {
			expect(signedByOneOf(signedMessage(good, body), signature, keys)).toBe(false);
		}
	});
	test("a key whose x is padded with '=' (as fal's live key set has been seen to serve it) verifies too", () => {
		const padded = keysOfJwks({ keys: [{ ...fal.jwk, x: `${fal.jwk.x}=` }] });
		expect(padded).toHaveLength(1);
		const headers = signed(body);
		expect(signedByOneOf(signedMessage(headers, body), headers.signature, padded)).toBe(true);
	});
	test('only Ed25519 keys of the set are used', () => {
		const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
		expect(keysOfJwks({ keys: [rsa, { kty: 'OKP', crv: 'X25519', x: fal.jwk.x }, fal.jwk] })).toHaveLength(1);
		expect(() => keysOfJwks({ nope: [] })).toThrow('no "keys" array');
	});
});

describe('the headers and the timestamp', () => {
	test('all four headers are required (unsigned deliveries are refused)', () => {
		const all = { 'x-fal-webhook-request-id': 'r', 'x-fal-webhook-user-id': 'u', 'x-fal-webhook-timestamp': '1', 'x-fal-webhook-signature': 'ab' };
		expect(readSignatureHeaders((name) => all[name as keyof typeof all])).toEqual({ requestId: 'r', userId: 'u', timestamp: '1', signature: 'ab' });
		for (const missing of Object.keys(all)) {
			const some: Record<string, string> = { ...all, [missing]: ' ' };
			expect(() => readSignatureHeaders((name) => some[name])).toThrow(`the ${missing} header is missing`);
		}
	});
	test(`within ${TIMESTAMP_TOLERANCE_S} s of now either way; an older (replayed) or later one is refused`, () => {
		const at = (offsetS: number) => String(NOW / 1000 + offsetS);
		expect(() => checkTimestamp(at(-300), NOW)).not.toThrow();
		expect(() => checkTimestamp(at(300), NOW)).not.toThrow();
		expect(() => checkTimestamp(at(-301), NOW)).toThrow(/301 s from now, more than fal's 300 s/);
		expect(() => checkTimestamp(at(3600), NOW)).toThrow(/3600 s from now/);
		expect(() => checkTimestamp('1.5e9', NOW)).toThrow('is not Unix seconds');
	});
});

describe("fal's key set", () => {
	let urlCount = 0;
	/** A key set URL of its own per test: the cache is the process's, by URL. */
	function jwksServer(initial: object[]) {
		const url = `https://keys.test/${++urlCount}/jwks.json`;
		const state = { keys: initial, fetches: 0, now: NOW };
		const options = {
			url,
			now: () => state.now,
			fetchJson: async (asked: string) => {
				expect(asked).toBe(url);
				state.fetches += 1;
				return { keys: state.keys };
			},
		};
		return { state, options };
	}
	const verifyWith = (options: Parameters<typeof verifiedByFal>[2], headers = signed(body)) =>
		verifiedByFal(signedMessage(headers, body), headers.signature, options);

	test('is fetched once and reused', async () => {
		const { state, options } = jwksServer([fal.jwk]);
		expect(await verifyWith(options)).toBe(true);
		expect(await verifyWith(options)).toBe(true);
		expect(state.fetches).toBe(1);
	});

	test('a key fal started using after the fetch (unknown to the cache): one refetch, then it verifies', async () => {
		const { state, options } = jwksServer([fal.jwk]);
		expect(await verifyWith(options)).toBe(true);
		const next = keyPair('fal-2');
		state.keys = [fal.jwk, next.jwk];
		state.now += JWKS_REFETCH_MIN_MS;
		expect(await verifyWith(options, signed(body, next.privateKey))).toBe(true);
		expect(state.fetches).toBe(2);
	});

	test('a forged signature costs at most one refetch a minute', async () => {
		const { state, options } = jwksServer([fal.jwk]);
		const forged = signed(body, keyPair('mallory').privateKey);
		expect(await verifyWith(options, forged)).toBe(false); // first fetch, no refetch within the minute
		expect(await verifyWith(options, forged)).toBe(false);
		expect(state.fetches).toBe(1);
		state.now += JWKS_REFETCH_MIN_MS;
		expect(await verifyWith(options, forged)).toBe(false);
		expect(await verifyWith(options, forged)).toBe(false);
		expect(state.fetches).toBe(2);
	});

	test('is fetched again once it is 24 hours old, the longest fal allows', async () => {
		const { state, options } = jwksServer([fal.jwk]);
		await verifyWith(options);
		state.now += JWKS_MAX_AGE_MS - 1;
		await verifyWith(options, signed(body, fal.privateKey, String(state.now / 1000)));
		expect(state.fetches).toBe(1);
		state.now += 1;
		await verifyWith(options, signed(body, fal.privateKey, String(state.now / 1000)));
		expect(state.fetches).toBe(2);
	});

	test("fal's second address serves the key set when the first cannot", async () => {
		const asked: string[] = [];
		const options = {
			url: ['https://keys.test/first', 'https://keys.test/second'],
			now: () => NOW,
			fetchJson: async (url: string) => {
				asked.push(url);
				return url.endsWith('first') ? Promise.reject(new Error('ENOTFOUND')) : { keys: [fal.jwk] };
			},
		};
		expect(await verifyWith(options)).toBe(true);
		expect(await verifyWith(options)).toBe(true);
		expect(asked).toEqual(['https://keys.test/first', 'https://keys.test/second']);
	});

	test('a key set that cannot be fetched leaves the delivery unjudged, naming why', async () => {
		const options = { url: 'https://keys.test/down', now: () => NOW, fetchJson: async () => Promise.reject(new Error('ECONNREFUSED')) };
		expect(await verifyWith(options)).toEqual({ unavailable: "fal's key set could not be fetched from https://keys.test/down: ECONNREFUSED" });
	});
});
