// fal's webhook keys, fetched from fal's JWKS and kept in the process for at most 24 hours, the longest fal's
// docs allow a key set to be cached (https://docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying your
// webhook"). fal names no key in a delivery, so a key it started signing with after the set was fetched shows
// as a signature no cached key verifies: the set is fetched again once for it, at most once a minute, so a
// stream of forged deliveries cannot turn into a stream of requests to fal.
import type { KeyObject } from 'node:crypto';

import { keysOfJwks, signedByOneOf } from './signature';

export const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** The least time between two fetches of the key set for a signature no cached key verified. */
export const JWKS_REFETCH_MIN_MS = 60 * 1000;

/** Gets a JSON document (n8n's `this.helpers.httpRequest` in the node). */
export type FetchJson = (url: string) => Promise<unknown>;

interface CachedSet {
	keys: KeyObject[];
	fetchedAt: number;
}

/** The key sets fetched in this process, by URL. */
const cache = new Map<string, CachedSet>();
/** Why fal's key set could not be had: the delivery cannot be judged now (fal will send it again). */
export interface KeysUnavailable {
	unavailable: string;
}

/** A fetch under way, so concurrent deliveries share it. */
const inFlight = new Map<string, Promise<CachedSet | KeysUnavailable>>();

/** One address's key set, or why it could not be had. */
async function readSet(url: string, fetchJson: FetchJson): Promise<KeyObject[] | KeysUnavailable> {
	let document: unknown;
	try {
		document = await fetchJson(url);
	} catch (error) {
		return { unavailable: `fal's key set could not be fetched from ${url}: ${(error as Error).message}` };
	}
	try {
		return keysOfJwks(typeof document === 'string' ? JSON.parse(document) : document);
	} catch (error) {
		return { unavailable: `fal's key set at ${url} could not be read: ${(error as Error).message}` };
	}
}

/** The key set from the first of `urls` that serves one (all are fal's own hosts), cached under the first. */
async function fetchSet(urls: readonly string[], fetchJson: FetchJson, now: () => number): Promise<CachedSet | KeysUnavailable> {
	const url = urls[0];
	const running = inFlight.get(url);
	if (running) return await running;
	const work = (async (): Promise<CachedSet | KeysUnavailable> => {
		const problems: string[] = [];
		for (const each of urls) {
			const keys = await readSet(each, fetchJson);
			if (!('unavailable' in keys)) {
				const set = { keys, fetchedAt: now() };
				cache.set(url, set);
				return set;
			}
			problems.push(keys.unavailable);
		}
		return { unavailable: problems.join('; ') };
	})();
	inFlight.set(url, work);
	try {
		return await work;
	} finally {
		inFlight.delete(url);
	}
}

/**
 * Whether one of fal's keys signed `message`: with the cached set (fetched when absent or older than 24 h),
 * then, if none verifies, once more with a freshly fetched set. A set that cannot be fetched when one is
 * needed gives `unavailable` (a cached one is still used when the refetch for an unknown key fails).
 */
export async function verifiedByFal(
	message: Buffer,
	signatureHex: string,
	options: { url: string | readonly string[]; fetchJson: FetchJson; now?: () => number },
): Promise<boolean | KeysUnavailable> {
	const now = options.now ?? Date.now;
	const urls = typeof options.url === 'string' ? [options.url] : options.url;
	const cached = cache.get(urls[0]);
	const set = !cached || now() - cached.fetchedAt >= JWKS_MAX_AGE_MS ? await fetchSet(urls, options.fetchJson, now) : cached;
	if ('unavailable' in set) return set;
	if (signedByOneOf(message, signatureHex, set.keys)) return true;
	if (now() - set.fetchedAt < JWKS_REFETCH_MIN_MS) return false;
	const fresh = await fetchSet(urls, options.fetchJson, now);
	return 'unavailable' in fresh ? false : signedByOneOf(message, signatureHex, fresh.keys);
}
