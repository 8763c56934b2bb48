/** webhook.js: the result POSTed to fal_webhook when a job ends, signed as fal signs it, retried as fal retries. */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { emu, fal, input, startSink, useRoutedClient } from './client';
import { ENDPOINT_ID } from './server';
import { defaultAnswer } from './validate';

useRoutedClient();

describe('webhook', () => {
	it('POSTs the result to fal_webhook', async () => {
		const sink = await startSink();
		try {
			const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: `${sink.url}/hook` });
			expect(emu.requests[0].query).toEqual({ fal_webhook: `${sink.url}/hook` });
			expect(await sink.next()).toEqual({
				request_id,
				gateway_request_id: request_id,
				status: 'OK',
				payload: defaultAnswer(input()),
			});
			await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 5 }), webhookUrl: `${sink.url}/hook` });
			expect(await sink.next()).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' });
		} finally {
			await sink.close();
		}
	});
});

/** A receiver answering each POST with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[]) {
	const received: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> = [];
	const server = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
		res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function until(check: () => boolean) {
	for (let waited = 0; !check(); waited += 10) {
		if (waited > 5000) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

// docs.fal.ai/model-apis/model-endpoints/webhooks, "Verifying your webhook".
describe("fal's signature", () => {
	it('signs request ID, user ID, timestamp and the SHA-256 of the raw body with a key its JWKS publishes', async () => {
		const hook = await receiver([200]);
		try {
			const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: hook.url });
			await until(() => hook.received.length === 1);
			const [{ headers, raw }] = hook.received;
			expect(headers['x-fal-webhook-request-id']).toBe(request_id);
			expect(headers['x-fal-webhook-user-id']).toBe('emulator-user');
			expect(Math.abs(Number(headers['x-fal-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
			const jwks = (await (await fetch('https://rest.alpha.fal.ai/.well-known/jwks.json')).json()) as { keys: Array<{ kty: string; crv: string; x: string }> };
			expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })]);
			const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwks.keys[0].x }, format: 'jwk' });
			const hash = createHash('sha256').update(raw).digest('hex');
			const message = (body: string) => Buffer.from(`${request_id}\nemulator-user\n${headers['x-fal-webhook-timestamp']}\n${body}`);
			const signature = Buffer.from(String(headers['x-fal-webhook-signature']), 'hex');
			expect(verify(null, message(hash), key, signature)).toBe(true);
			expect(verify(null, message(createHash('sha256').update(`${raw} `).digest('hex')), key, signature)).toBe(false);
			// The key set needs no API key: anyone verifying a delivery can fetch it.
			expect(emu.requests.find((r) => r.route === 'jwks')?.headers.authorization).toBeUndefined();
		} finally {
			await hook.close();
		}
	});
});

// docs.fal.ai/model-apis/model-endpoints/webhooks, "Retry policy": 10 retries in the span of 2 hours.
describe('retries', () => {
	it('a delivery that does not get a 2xx is sent again, each attempt signed anew, until one does', async () => {
		emu.setWebhookRetryDelays([20, 20, 20]);
		const hook = await receiver([500, 401, 200]);
		try {
			await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: hook.url });
			await until(() => emu.webhooks[0]?.attempts.length === 3 && emu.webhooks[0].status === 200);
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(emu.webhooks[0].attempts.map((a) => a.status)).toEqual([500, 401, 200]);
			expect(hook.received.map((r) => r.raw.toString())).toEqual(Array(3).fill(hook.received[0].raw.toString()));
		} finally {
			await hook.close();
		}
	});

	it('gives up after the last retry', async () => {
		emu.setWebhookRetryDelays([20, 20]);
		const hook = await receiver([503]);
		try {
			await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: hook.url });
			await until(() => emu.webhooks[0]?.attempts.length === 3 && emu.webhooks[0].attempts[2].status !== undefined);
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(emu.webhooks[0].attempts.map((a) => a.status)).toEqual([503, 503, 503]);
		} finally {
			await hook.close();
		}
	});

	it("fal's schedule by default: 10 retries over about 2 hours", () => {
		const { DEFAULT_RETRY_DELAYS_MS } = require('./webhook') as { DEFAULT_RETRY_DELAYS_MS: number[] };
		expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(10);
		const total = DEFAULT_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
		expect(total).toBeGreaterThan(1.9 * 3_600_000);
		expect(total).toBeLessThan(2.1 * 3_600_000);
	});
});
