/**
 * Shared setup of the emulator specs: one emulator per file, fetch routed to it before the real
 * @fal-ai/client is created (the client captures fetch at creation), reset between tests.
 */
import { ApiError, createFalClient, type FalClient } from '@fal-ai/client';

import { startFalEmulator } from './server';
import { routeFetchToEmulator } from './route';

export type FalEmulator = Awaited<ReturnType<typeof startFalEmulator>>;
export type FalEmulatorOptions = NonNullable<Parameters<typeof startFalEmulator>[0]>;

export const MODEL = 'google/gemini-3-flash-preview';
export const input = (prompt = 'Transcribe this audio verbatim.', extra: Record<string, unknown> = {}) => ({
	audio_url: 'https://example.com/a.mp3',
	prompt,
	model: MODEL,
	...extra,
});

/** The error a call ends with (after the client's own retries); any non-ApiError is returned too. */
export async function caught(p: Promise<unknown>): Promise<ApiError<any> & Error> {
	try {
		await p;
	} catch (e) {
		return e as ApiError<any>;
	}
	throw new Error('expected the call to fail');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a condition of the emulator's records (jobs finish on timers, not on requests). */
export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
	const t0 = Date.now();
	while (!cond()) {
		if (Date.now() - t0 > timeoutMs) throw new Error('condition not reached in time');
		await sleep(5);
	}
}

/** beforeAll/afterAll/afterEach wiring; the returned object is filled in beforeAll. */
export function useEmulator(options: FalEmulatorOptions = {}): { emu: FalEmulator; fal: FalClient } {
	const ctx = {} as { emu: FalEmulator; fal: FalClient };
	let restore: () => void;
	beforeAll(async () => {
		ctx.emu = await startFalEmulator(options);
		restore = routeFetchToEmulator(ctx.emu.url);
		ctx.fal = createFalClient({ credentials: 'test-key' });
	});
	afterEach(() => {
		ctx.emu.reset();
		ctx.emu.setLatency(options.latencyMs ?? 0);
		ctx.emu.setConcurrency(options.concurrency ?? Infinity);
		ctx.emu.respondWith(options.respondWith);
	});
	afterAll(async () => {
		restore();
		await ctx.emu.close();
	});
	return ctx;
}
