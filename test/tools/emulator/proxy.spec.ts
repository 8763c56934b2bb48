/**
 * Faults between the real @fal-ai/client and the emulator: answers lost after the server acted,
 * gateways answering before the body is read, streams cut mid-job, malformed and leaking bodies.
 */
import { ENDPOINT_ID } from './server';
import { caught, input, sleep, until, useEmulator } from './use-emulator';

const ctx = useEmulator();
const byPrompt = (j: { input: unknown }) => (j.input as { prompt: string }).prompt;
const KEY_HEADER = 'Key test-key';

describe('answers lost after the server acted (after)', () => {
	it("after: 'replace' 500 on submit: the job exists, the client saw a 500 and does not retry", async () => {
		const { emu, fal } = ctx;
		const rule = emu.fault({ route: 'submit', after: 'replace', status: 500, body: { detail: 'upstream' } });
		const e = await caught(fal.queue.submit(ENDPOINT_ID, { input: input('item-1') }));
		expect([e.status, e.body]).toEqual([500, { detail: 'upstream' }]);
		expect(rule.hits).toBe(1);
		expect(emu.jobsBy(byPrompt).get('item-1')).toHaveLength(1);
		await until(() => emu.undelivered().length === 1); // it ran and was paid for; nobody knows its id
	});

	it("after: 'replace' 504 on submit: the client's own retry creates a second job for the item", async () => {
		const { emu, fal } = ctx;
		emu.fault({ route: 'submit', after: 'replace', status: 504 });
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('item-1') });
		const jobs = emu.jobsBy(byPrompt).get('item-1')!;
		expect(jobs).toHaveLength(2);
		expect(jobs[1].requestId).toBe(request_id);
	});

	it("after: 'drop' on submit: socket destroyed after the job was created", async () => {
		const { emu } = ctx;
		emu.fault({ route: 'submit', after: 'drop' });
		const err = await caught(
			fetch(`https://queue.fal.run/${ENDPOINT_ID}`, {
				method: 'POST',
				headers: { authorization: KEY_HEADER, 'content-type': 'application/json' },
				body: JSON.stringify(input('item-1')),
			}),
		);
		expect(err.message).toBe('fetch failed'); // no response at all
		expect(emu.jobs.size).toBe(1);
	});

	it("after: 'drop' on cancel: the cancel is applied though the client never hears it", async () => {
		const { emu, fal } = ctx;
		emu.setLatency(10_000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		emu.fault({ route: 'cancel', after: 'drop' });
		const e = await caught(fal.queue.cancel(ENDPOINT_ID, { requestId: request_id }));
		const job = emu.jobs.get(request_id)!;
		expect(job).toMatchObject({ status: 'COMPLETED', cancelled: true, cancelledWhile: 'IN_PROGRESS' });
		// the client retried the lost cancel: the lost answer was a 202, the retry's 400 is what it saw
		expect(job.cancelRequests.map((c) => [c.jobStatus, c.status])).toEqual([['IN_PROGRESS', 202], ['COMPLETED', 400]]);
		expect([e.status, e.body]).toEqual([400, { status: 'ALREADY_COMPLETED' }]);
		expect(emu.leftRunning()).toEqual([]);
	});

	it("after: 'truncate' on result: half a body, not a delivery; the next GET delivers", async () => {
		const { emu, fal } = ctx;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		await fal.queue.subscribeToStatus(ENDPOINT_ID, { requestId: request_id, pollInterval: 5 });
		emu.fault({ route: 'result', after: 'truncate' });
		const res = await fetch(`https://queue.fal.run/openrouter/router/requests/${request_id}`, {
			headers: { authorization: KEY_HEADER },
		});
		expect(res.status).toBe(200);
		await expect(res.text()).rejects.toThrow();
		expect(emu.undelivered().map((j) => j.requestId)).toEqual([request_id]);
		await fal.queue.result(ENDPOINT_ID, { requestId: request_id });
		expect(emu.jobs.get(request_id)!.deliveries).toBe(1);
		expect(emu.undelivered()).toEqual([]);
	});

	it("after: 'replace' needs an error to send; beforeBody rules take no after or cut", () => {
		expect(() => ctx.emu.fault({ route: 'result', after: 'replace' })).toThrow(/needs status/);
		expect(() => ctx.emu.fault({ route: 'submit', beforeBody: true, after: 'drop' })).toThrow(/beforeBody/);
		expect(() => ctx.emu.fault({ route: 'stream', beforeBody: true, cut: {} })).toThrow(/beforeBody/);
	});
});

describe('answered before the body is read (beforeBody)', () => {
	const submitRaw = () =>
		fetch(`https://queue.fal.run/${ENDPOINT_ID}`, {
			method: 'POST',
			headers: { authorization: KEY_HEADER, 'content-type': 'application/json' },
			body: JSON.stringify(input()),
		});

	it('a gateway 503 with Retry-After in seconds: recorded without a body, no job', async () => {
		const { emu } = ctx;
		emu.fault({ route: 'submit', beforeBody: true, status: 503, retryAfter: 3 });
		const res = await submitRaw();
		expect([res.status, res.headers.get('retry-after')]).toEqual([503, '3']);
		expect(emu.requests[0]).toMatchObject({ route: 'submit', body: undefined, bytes: 0 });
		expect(emu.jobs.size).toBe(0);
	});

	it('Retry-After as an HTTP-date (a Date or a string); the client retries a 503 submit', async () => {
		const { emu, fal } = ctx;
		const when = new Date(Date.now() + 2000);
		emu.fault({ route: 'submit', beforeBody: true, status: 503, retryAfter: when });
		const res = await submitRaw();
		expect(res.headers.get('retry-after')).toBe(when.toUTCString());
		emu.fault({ route: 'submit', beforeBody: true, status: 503, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' });
		await fal.queue.submit(ENDPOINT_ID, { input: input() });
		expect(emu.stats().routes.submit).toBe(3);
		expect(emu.jobs.size).toBe(1);
	});

	it('beforeBody rules see the request without its body', async () => {
		const { emu } = ctx;
		const seen: unknown[] = [];
		emu.fault({ route: 'submit', beforeBody: true, status: 503, match: (r) => (seen.push(r.body), true) });
		await submitRaw();
		expect(seen).toEqual([undefined]);
	});
});

describe('status streams cut mid-job (cut)', () => {
	it("cut after 1 event ('end'): the client's subscribe returns a non-final status; the job still completes", async () => {
		const { emu, fal } = ctx;
		emu.setLatency(1000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		emu.fault({ route: 'stream', cut: { afterEvents: 1, how: 'end' } });
		const status = await fal.queue.subscribeToStatus(ENDPOINT_ID, { requestId: request_id, mode: 'streaming' });
		expect(status.status).toBe('IN_PROGRESS');
		await until(() => emu.jobs.get(request_id)!.status === 'COMPLETED');
		expect(emu.undelivered().map((j) => j.requestId)).toEqual([request_id]);
		await fal.queue.result(ENDPOINT_ID, { requestId: request_id });
		expect(emu.undelivered()).toEqual([]);
	});

	it("cut after T ms ('destroy'): the client sees an error, the job keeps running", async () => {
		const { emu, fal } = ctx;
		emu.setLatency(1000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		emu.fault({ route: 'stream', cut: { afterMs: 50, how: 'destroy' } });
		await caught(fal.queue.subscribeToStatus(ENDPOINT_ID, { requestId: request_id, mode: 'streaming' }));
		expect(emu.jobs.get(request_id)!.status).toBe('IN_PROGRESS');
		expect(emu.leftRunning()).toHaveLength(1);
		await until(() => emu.leftRunning().length === 0);
		expect(emu.jobs.get(request_id)).toMatchObject({ status: 'COMPLETED', cancelled: false });
	});

	it("'stall' sends nothing until the client aborts; stallMs ends it cleanly", async () => {
		const { emu, fal } = ctx;
		emu.setLatency(150);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		const url = `https://queue.fal.run/openrouter/router/requests/${request_id}/status/stream`;
		emu.fault({ route: 'stream', cut: { afterEvents: 0 } });
		const abort = new AbortController();
		const res = await fetch(url, { headers: { authorization: KEY_HEADER }, signal: abort.signal });
		expect(res.status).toBe(200);
		const reader = res.body!.getReader();
		const first = reader.read();
		let gotData = false;
		first.then(() => (gotData = true), () => undefined);
		await until(() => emu.jobs.get(request_id)!.status === 'COMPLETED');
		await sleep(20);
		expect(gotData).toBe(false); // the job completed meanwhile; the stream said nothing
		abort.abort();
		await expect(first).rejects.toThrow();

		emu.fault({ route: 'stream', cut: { afterEvents: 0, how: 'stall', stallMs: 30 } });
		const t0 = Date.now();
		const text = await (await fetch(url, { headers: { authorization: KEY_HEADER } })).text();
		expect(text).toBe('');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
	});
});

describe('malformed and leaking bodies', () => {
	it.each([
		['non-JSON text', 'not json at all', 'application/json'],
		['truncated JSON', '{"status":"COMPL', 'application/json'],
		['HTML', '<html><body>502 Bad Gateway</body></html>', 'text/html; charset=utf-8'],
	])('200 with %s on status', async (_name, text, contentType) => {
		const { emu, fal } = ctx;
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input() });
		emu.fault({ route: 'status', status: 200, text, contentType });
		const got = await fal.queue.status(ENDPOINT_ID, { requestId: request_id }).then(
			(v) => ({ value: v }),
			(e: Error) => ({ error: e }),
		);
		if (contentType.startsWith('text/html')) expect(got).toEqual({ value: text }); // the client returns HTML as a string
		else expect(got).toHaveProperty('error.name', 'SyntaxError');
	});

	it.each([
		[401, 'json'],
		[502, 'html'],
		[200, 'text'],
	] as const)('a %i %s body echoing the Authorization header', async (status, kind) => {
		const { emu } = ctx;
		const echo = (r: { headers: Record<string, string> }) => `your key: ${r.headers.authorization}`;
		if (kind === 'json') emu.fault({ route: 'result', status, body: (r) => ({ detail: echo(r) }) });
		else if (kind === 'html') emu.fault({ route: 'result', status, text: (r) => `<p>${echo(r)}</p>` });
		else emu.fault({ route: 'result', status, text: echo, contentType: 'text/plain' });
		const res = await fetch('https://queue.fal.run/openrouter/router/requests/x', {
			headers: { authorization: 'Key secret-123' },
		});
		expect(res.status).toBe(status);
		expect(await res.text()).toContain('your key: Key secret-123');
	});
});
