/**
 * What the emulator specs share: the real @fal-ai/client routed to a fresh emulator, the endpoint's
 * input, and small helpers. The specs drive the client, so the emulator is checked against the
 * protocol the client actually speaks.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, createFalClient, type FalClient } from '@fal-ai/client';

// Plain JS modules (allowJs); their JSDoc types flow through.
import { startFalEmulator } from './server';
import { routeFetchToEmulator } from './route';

export type FalEmulator = Awaited<ReturnType<typeof startFalEmulator>>;

export const MODEL = 'google/gemini-3-flash-preview';
export const AUDIO_URL = 'https://example.com/a.mp3';
export const input = (extra: Record<string, unknown> = {}) => ({
	audio_url: AUDIO_URL,
	prompt: 'Transcribe this audio verbatim.',
	model: MODEL,
	...extra,
});

// Set by useRoutedClient()'s beforeAll; imports of these are live bindings.
export let emu: FalEmulator;
export let fal: FalClient;

/**
 * One emulator per spec file with fetch routed to it, reset before each test; `emu` and `fal` above
 * are set once it runs.
 */
export function useRoutedClient(): void {
	let restore: () => void;
	beforeAll(async () => {
		emu = await startFalEmulator();
		restore = routeFetchToEmulator(emu.url); // before createFalClient: the client captures fetch
		fal = createFalClient({ credentials: 'test-key' });
	});

	afterAll(async () => {
		restore();
		await emu.close();
	});

	beforeEach(() => {
		emu.reset();
		emu.setLatency(0);
		emu.respondWith(undefined);
	});
}

/** Expected error of a client call (retries included). */
export async function caught(p: Promise<unknown>): Promise<ApiError<any>> {
	try {
		await p;
	} catch (e) {
		if (e instanceof ApiError) return e;
		throw e;
	}
	throw new Error('expected the call to fail');
}

/** A local server recording POST bodies (webhook target, pass-through target). */
export async function startSink(): Promise<{ url: string; bodies: unknown[]; next: () => Promise<unknown>; close: () => Promise<void> }> {
	const bodies: unknown[] = [];
	const waiters: ((b: unknown) => void)[] = [];
	let read = 0;
	const server: Server = createServer(async (req: IncomingMessage, res) => {
		let text = '';
		for await (const c of req) text += c;
		const body = text ? JSON.parse(text) : { method: req.method, url: req.url };
		bodies.push(body);
		const waiter = waiters.shift();
		if (waiter) {
			read += 1;
			waiter(body);
		}
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		bodies,
		next: () => (read < bodies.length ? Promise.resolve(bodies[read++]) : new Promise((r) => waiters.push(r))),
		close: () => new Promise<void>((r) => {
			server.closeAllConnections();
			server.close(() => r());
		}),
	};
}
