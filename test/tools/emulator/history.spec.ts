/**
 * fal's request history (GET api.fal.ai/v1/models/requests/by-endpoint), the way a client
 * reconciles an uncertain submit: find the job fal ran though its submit answer was lost.
 */
import { ENDPOINT_ID } from './server';
import { caught, input, until, useEmulator } from './use-emulator';

const ctx = useEmulator();

const BASE = 'https://api.fal.ai/v1/models/requests/by-endpoint';
async function history(query: Record<string, string | string[]>, key = 'test-key') {
	const qs = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) qs.append(k, one);
	const res = await fetch(`${BASE}?${qs}`, { headers: { authorization: `Key ${key}` } });
	return { status: res.status, body: (await res.json()) as any };
}

describe('request history by endpoint', () => {
	it('lists a job whose submit answer was lost, with payloads', async () => {
		const { emu, fal } = ctx;
		emu.fault({ route: 'submit', after: 'replace', status: 500 });
		await caught(fal.queue.submit(ENDPOINT_ID, { input: input('lost item') }));
		await until(() => emu.leftRunning().length === 0);
		const [job] = emu.jobs.values();
		const { status, body } = await history({ endpoint_id: ENDPOINT_ID, expand: 'payloads' });
		expect(status).toBe(200);
		expect(body).toEqual({
			items: [
				{
					request_id: job.requestId,
					endpoint_id: ENDPOINT_ID,
					sent_at: new Date(job.createdAt).toISOString(),
					started_at: new Date(job.startedAt!).toISOString(),
					ended_at: new Date(job.completedAt!).toISOString(),
					status_code: 200,
					duration: (job.completedAt! - job.startedAt!) / 1000,
					json_input: input('lost item'),
					json_output: job.result!.body,
				},
			],
			next_cursor: null,
			has_more: false,
		});
		const plain = await history({ endpoint_id: ENDPOINT_ID });
		expect(plain.body.items[0]).not.toHaveProperty('json_input');
		// Reading the history is not delivering the result.
		expect(emu.undelivered()).toEqual([job]);
	});

	it('filters by request_id, status and time window; a running job has no status yet', async () => {
		const { emu, fal } = ctx;
		emu.respondWith((inp) => (inp.prompt === 'bad' ? { error: { status: 500, body: { detail: 'boom' } } } : { output: 'ok' }));
		try {
			const ok = await fal.queue.submit(ENDPOINT_ID, { input: input('ok') });
			const bad = await fal.queue.submit(ENDPOINT_ID, { input: input('bad') });
			const invalid = await fal.queue.submit(ENDPOINT_ID, { input: input('') }); // 422
			await until(() => emu.leftRunning().length === 0);
			emu.setLatency(10_000);
			const running = await fal.queue.submit(ENDPOINT_ID, { input: input('running') });
			const ids = async (q: Record<string, string>) =>
				(await history({ endpoint_id: ENDPOINT_ID, ...q })).body.items.map((i: any) => i.request_id).sort();
			expect(await ids({})).toEqual([ok.request_id, bad.request_id, invalid.request_id, running.request_id].sort());
			expect(await ids({ request_id: bad.request_id })).toEqual([bad.request_id]);
			expect(await ids({ status: 'success' })).toEqual([ok.request_id]);
			expect(await ids({ status: 'error' })).toEqual([bad.request_id]);
			expect(await ids({ status: 'user_error' })).toEqual([invalid.request_id]);
			expect(await ids({ start: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
			expect(await ids({ end: new Date(Date.now() - 60_000).toISOString() })).toEqual([]);
			expect(await ids({ endpoint_id: 'fal-ai/other' })).toEqual([]);
		} finally {
			emu.respondWith(undefined);
		}
	});

	it('pages with limit and a base64 page cursor, newest first', async () => {
		const { emu, fal } = ctx;
		for (const p of ['a', 'b', 'c', 'd', 'e']) {
			await fal.queue.submit(ENDPOINT_ID, { input: input(p) });
			await until(() => emu.leftRunning().length === 0);
		}
		const seen: string[] = [];
		let cursor: string | null = null;
		const cursors: (string | null)[] = [];
		do {
			const page: { body: any } = await history({ endpoint_id: ENDPOINT_ID, limit: '2', expand: 'payloads', ...(cursor ? { cursor } : {}) });
			seen.push(...page.body.items.map((i: any) => i.json_input.prompt));
			expect(page.body.has_more).toBe(page.body.next_cursor !== null);
			cursor = page.body.next_cursor;
			cursors.push(cursor);
		} while (cursor);
		expect(seen).toEqual(['e', 'd', 'c', 'b', 'a']);
		expect(cursors).toEqual(['Mg==', 'Mw==', null]);
	});

	it('needs the key and an endpoint_id; bad parameters are 422', async () => {
		expect((await history({ endpoint_id: ENDPOINT_ID }, 'wrong')).status).toBe(401);
		const missing = await history({});
		expect([missing.status, missing.body.detail[0].loc]).toEqual([422, ['query', 'endpoint_id']]);
		for (const bad of [{ limit: '0' }, { limit: '101' }, { status: 'done' }, { start: 'yesterday' }] as Record<string, string>[]) {
			expect((await history({ endpoint_id: ENDPOINT_ID, ...bad })).status).toBe(422);
		}
	});
});

describe('what the history lists', () => {
	it('a running job, first, with null end fields; never a queued one, even once it ended unstarted', async () => {
		const { emu, fal } = ctx;
		const done = await fal.queue.submit(ENDPOINT_ID, { input: input('done') });
		await until(() => emu.leftRunning().length === 0);
		emu.setConcurrency(1);
		emu.setLatency(10_000);
		const running = await fal.queue.submit(ENDPOINT_ID, { input: input('running') });
		await fal.queue.submit(ENDPOINT_ID, { input: input('queued') });
		const cancelled = await fal.queue.submit(ENDPOINT_ID, { input: input('cancelled while queued') });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: cancelled.request_id });
		const timedOut = await fal.queue.submit(ENDPOINT_ID, { input: input('timed out'), headers: { 'x-fal-request-start-timeout': '0.2' } });
		await until(() => emu.jobs.get(timedOut.request_id)!.status === 'COMPLETED');
		expect([...emu.jobs.values()].map((j) => [(j.input as any).prompt, j.status, j.endedUnstarted])).toEqual([
			['done', 'COMPLETED', null],
			['running', 'IN_PROGRESS', null],
			['queued', 'IN_QUEUE', null],
			['cancelled while queued', 'COMPLETED', 'cancelled'],
			['timed out', 'COMPLETED', 'start-timeout'],
		]);

		const { body } = await history({ endpoint_id: ENDPOINT_ID, expand: 'payloads' });
		const job = emu.jobs.get(running.request_id)!;
		expect(body.items.map((i: any) => i.request_id)).toEqual([running.request_id, done.request_id]);
		expect(body.items[0]).toEqual({
			request_id: running.request_id,
			endpoint_id: ENDPOINT_ID,
			sent_at: new Date(job.createdAt).toISOString(),
			started_at: new Date(job.startedAt!).toISOString(),
			ended_at: null,
			status_code: null,
			duration: null,
			json_input: input('running'),
			json_output: null,
		});
		// Not even by request_id, which widens the window to 90 days.
		expect((await history({ endpoint_id: ENDPOINT_ID, request_id: timedOut.request_id })).body.items).toEqual([]);
	});

	it('shows a job historyLagMs after it started, and its end historyLagMs after it ended', async () => {
		const { emu, fal } = ctx;
		emu.setLatency(1500);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('late metrics') });
		const job = emu.jobs.get(request_id)!;
		await until(() => job.status === 'COMPLETED', 15_000);
		const listed = async () => (await history({ endpoint_id: ENDPOINT_ID, expand: 'payloads' })).body.items;

		emu.setHistoryLag(60_000); // it started less than a minute ago
		expect(await listed()).toEqual([]);
		// A lag that has passed since the start but not since the end: the end lies 1.5 s after the start.
		emu.setHistoryLag(Date.now() - job.startedAt!);
		expect(await listed()).toEqual([
			expect.objectContaining({ request_id, started_at: new Date(job.startedAt!).toISOString(), ended_at: null, status_code: null, duration: null, json_output: null }),
		]);
		expect((await history({ endpoint_id: ENDPOINT_ID, status: 'success' })).body.items).toEqual([]);
		emu.setHistoryLag(0);
		expect(await listed()).toEqual([
			expect.objectContaining({ request_id, ended_at: new Date(job.completedAt!).toISOString(), status_code: 200, json_output: job.result!.body }),
		]);
	}, 20_000);
});

describe('the form of json_input (fal does not document it: an option)', () => {
	const sent = input('forms', { temperature: 0.5 });

	async function listedInput() {
		const { emu, fal } = ctx;
		await fal.queue.submit(ENDPOINT_ID, { input: sent });
		await until(() => emu.leftRunning().length === 0);
		const [item] = (await history({ endpoint_id: ENDPOINT_ID, expand: 'payloads' })).body.items;
		return item;
	}

	it('as sent, by default: the body, keys in the order sent', async () => {
		const item = await listedInput();
		expect(JSON.stringify(item.json_input)).toBe(JSON.stringify(sent));
		expect(item.json_output).toEqual(expect.objectContaining({ output: expect.any(String) }));
	});

	it('normalised: every field of the model in its order, defaults filled in', async () => {
		ctx.emu.setHistoryInput('normalised');
		const item = await listedInput();
		expect(Object.entries(item.json_input)).toEqual([
			['audio_url', sent.audio_url],
			['prompt', 'forms'],
			['system_prompt', null],
			['model', sent.model],
			['reasoning', false],
			['temperature', 0.5],
			['max_tokens', null],
		]);
	});

	it('reordered: the same fields, keys in another order', async () => {
		ctx.emu.setHistoryInput('reordered');
		const item = await listedInput();
		expect(item.json_input).toEqual(sent);
		expect(Object.keys(item.json_input)).toEqual(Object.keys(sent).reverse());
	});

	it('absent: the request is listed without payloads; reset() returns to the start option', async () => {
		ctx.emu.setHistoryInput('absent');
		const item = await listedInput();
		expect(item).toEqual(expect.objectContaining({ status_code: 200, json_input: null, json_output: null }));
		ctx.emu.reset();
		expect(JSON.stringify((await listedInput()).json_input)).toBe(JSON.stringify(sent));
	});
});
