/** pricing.js: the platform API's price of the endpoint, for a valid key only; what each job costs. */
import { emu, fal, input, useRoutedClient } from './client';
import { until } from './use-emulator';
import { defaultAnswer } from './validate';
import { ENDPOINT_ID } from './server';

useRoutedClient();

describe('pricing', () => {
	it('serves pricing with a valid key only', async () => {
		const url = 'https://api.fal.ai/v1/models/pricing?endpoint_id=openrouter/router/audio';
		const ok = await fetch(url, { headers: { Authorization: 'Key test-key' } });
		expect(await ok.json()).toEqual({
			prices: [{ endpoint_id: ENDPOINT_ID, unit_price: 0.000001, unit: 'tokens', currency: 'USD' }],
			next_cursor: null,
			has_more: false,
		});
		expect((await fetch(url, { headers: { Authorization: 'Key nope' } })).status).toBe(401);
		expect((await fetch(url)).status).toBe(401);
	});
});

describe('what each job costs', () => {
	const submitAndRead = async (prompt: string) => {
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt }) });
		await until(() => emu.jobs.get(request_id)!.status === 'COMPLETED');
		return { job: emu.jobs.get(request_id)!, answer: await fal.queue.result(ENDPOINT_ID, { requestId: request_id }).then((r) => r.data as unknown as { usage: { cost: number } }) };
	};

	it('by default a job costs its tokens, as its answer reports', async () => {
		const { job, answer } = await submitAndRead('Item 0');
		expect(answer.usage.cost).toBe(defaultAnswer(input({ prompt: 'Item 0' })).usage.cost);
		expect(job.cost).toBe(answer.usage.cost);
		expect(emu.billedCost()).toBe(answer.usage.cost);
	});

	it('jobCost sets each job\'s charge: the answer reports it, the bill counts it', async () => {
		const costs = [0.02, 0.005, 0.0125];
		emu.setJobCost((_input, job) => costs[job.index]);
		const answers = [];
		for (const prompt of ['a', 'b', 'c']) answers.push((await submitAndRead(prompt)).answer.usage.cost);
		expect(answers).toEqual(costs);
		expect(emu.billedCost()).toBeCloseTo(0.0375, 10);
	});

	it('a job that ran is charged even when its answer reports no cost, or is an app error; one that never ran is not', async () => {
		emu.setJobCost(() => 0.01);
		emu.respondWith((inp) => (inp.prompt === 'error' ? { error: { status: 422, body: { detail: 'no' } } } : { output: 'x', usage: { prompt_tokens: 1 } }));
		const { answer } = await submitAndRead('silent');
		expect(answer.usage).toEqual({ prompt_tokens: 1 });
		await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 'error' }) });
		await until(() => emu.leftRunning().length === 0);
		// Removed from the queue before it ran: never charged.
		emu.setConcurrency(0);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 'queued' }) });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: request_id });
		emu.setConcurrency(Infinity);
		expect(emu.billed().map((job) => (job.input as { prompt: string }).prompt)).toEqual(['silent', 'error']);
		expect(emu.billedCost()).toBeCloseTo(0.02, 10);
		expect(emu.jobs.get(request_id)!.cost).toBeNull();
	});
});
