import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator, AUDIO } from '../../../tools/harness';

// Guarantee 1: at most one fal job per item per run. fal's request history here lists only finished jobs
// (the emulator's default; fal's docs do not say), so a lost submit is found once its job has finished.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt });

describe('a submit fal may have acted on is reconciled, never sent again blindly', () => {
	test('the answer is lost after fal created the job: the item adopts that job', async () => {
		emulator().fault({ route: 'submit', after: 'drop' });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		const [job] = [...emulator().jobs.values()];
		expect(result.items(NODE_NAME)[0].json).toMatchObject({ requestId: job.requestId, output: expect.stringContaining('Item 0') });
		expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1 });
		expect(emulator().requestsTo('submit')).toHaveLength(1);
		expect(emulator().requestsTo('history').some((r) => r.query.expand === 'payloads')).toBe(true);
		expect(emulator().undelivered()).toEqual([]);
	});

	test.each([500, 502, 504])('fal answers %i after creating the job: adopted, not resubmitted', async (status) => {
		emulator().fault({ route: 'submit', after: 'replace', status, body: { detail: 'gateway trouble' } });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
		expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1 });
	});

	test('a truncated 2xx answer to the submit: adopted', async () => {
		emulator().fault({ route: 'submit', after: 'truncate' });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
		expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1 });
	});

	test("another item's job with the same input is never adopted", async () => {
		// Item 0's answer is lost; item 1 sends the very same input and gets its answer.
		emulator().fault({ route: 'submit', after: 'drop' });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Same' }, [{}, {}]));
		const ids = result.items(NODE_NAME).map((item) => item.json.requestId);
		expect(new Set(ids).size).toBe(2);
		expect(emulator().jobs.size).toBe(2);
		expect(emulator().undelivered()).toEqual([]);
	});

	test('no start deadline and nothing listed before the item\'s time runs out: the item fails saying a job may exist, nothing resubmitted', async () => {
		// A 500 before the app ran: fal created nothing, but the node cannot know that. Without a Max Queue Wait
		// (fal's start timeout) a job may wait in fal's queue, unlisted, for as long as it takes.
		emulator().fault({ route: 'submit', status: 500, body: { detail: 'boom' } });
		const before = new Date(Date.now() - 1000).toISOString();
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0', options: { timeout: 3, maxQueueWait: 0 } }));
		const error = result.error(NODE_NAME);
		expect(error?.message).toBe('fal may have created a job for this item, but its answer to the submit was lost [item 0]');
		expect(error?.description).toMatch(/fal answered the submit with HTTP 500 \(queue\.fal\.run\).*did not submit again/);
		expect(error?.description).toMatch(/lists no started request with this item's input, and the job may still wait in fal's queue/);
		expect(error?.description).toMatch(/fal\.ai\/dashboard\/requests.*"Get Job"/);
		const since = /sent at or after (\S+) in/.exec(error?.description ?? '')?.[1];
		expect(since! >= before).toBe(true);
		expect(emulator().jobs.size).toBe(0);
		expect(emulator().requestsTo('submit')).toHaveLength(1);
	}, 30_000);

	test('a history that cannot be read: the item fails saying a job may exist and why', async () => {
		emulator().fault({ route: 'submit', after: 'drop' });
		emulator().fault({ route: 'history', status: 403, body: { detail: 'Forbidden' }, times: Infinity });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		expect(result.error(NODE_NAME)?.message).toMatch(/^fal may have created a job for this item/);
		expect(result.error(NODE_NAME)?.description).toMatch(/request history could not be read \(fal's request history answered HTTP 403 \(api\.fal\.ai\)\)/);
		expect(emulator().jobs.size).toBe(1);
	});

	test('two jobs with this input that no item holds: ambiguous, both named', async () => {
		// Another execution sent the same input twice just before.
		await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Twin' }, [{}, {}]));
		emulator().fault({ route: 'submit', after: 'drop' });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Twin' }));
		const description = result.error(NODE_NAME)?.description ?? '';
		expect(description).toMatch(/lists 3 jobs with this item's input/);
		for (const id of emulator().jobs.keys()) expect(description).toContain(id);
	});
});

describe('a submit is repeated only when fal certainly did not create the job', () => {
	test('a 503 from the gateway before the body was read, with Retry-After: waited for, retried, one job', async () => {
		emulator().fault({ route: 'submit', beforeBody: true, status: 503, retryAfter: 2, body: { detail: 'busy' } });
		const started = Date.now();
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
		expect(emulator().requestsTo('submit')).toHaveLength(2);
		expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1 });
	});

	test('429 with Retry-After as an HTTP date', async () => {
		emulator().fault({ route: 'submit', status: 429, retryAfter: new Date(Date.now() + 2000) });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Item 0' }));
		expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
		expect(emulator().jobsPerItem()).toEqual({ 'Item 0': 1 });
	});

	test.each([
		[0, 1],
		[2, 3],
	])('Max Retries %i: a 503 storm gets %i submit attempts in total, the fal client adds none', async (maxRetries, attempts) => {
		emulator().fault({ route: 'submit', beforeBody: true, status: 503, retryAfter: 0, body: { detail: 'busy' }, times: Infinity });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries } }));
		expect(result.error(NODE_NAME)?.message).toBe('fal failed to process the request: busy (HTTP 503 from queue.fal.run) [item 0]');
		expect(result.error(NODE_NAME)?.description).toMatch(new RegExp(`sent ${attempts} time`));
		expect(emulator().requestsTo('submit')).toHaveLength(attempts);
	});

	test('429 that outlasts the retries says rate limited', async () => {
		emulator().fault({ route: 'submit', status: 429, retryAfter: 0, body: { detail: 'slow down' }, times: Infinity });
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, options: { maxRetries: 1 } }));
		expect(result.error(NODE_NAME)?.message).toBe('fal is rate limiting requests (HTTP 429 from queue.fal.run) [item 0]');
		expect(emulator().requestsTo('submit')).toHaveLength(2);
	});
});
