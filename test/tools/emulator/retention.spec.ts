/**
 * How long fal keeps a result (fal.ai/docs/inference-api/queue/result): 1 hour after completion,
 * 6 minutes when it is 10 KB or larger; then the result route forgets it, the rest does not.
 */
import { ENDPOINT_ID } from './server';
import { caught, input, until, useEmulator } from './use-emulator';

const ctx = useEmulator();

describe('result retention', () => {
	it('keeps a result 1 hour, 6 minutes from 10 KB of JSON', async () => {
		const { emu, fal } = ctx;
		// The body is {"output":"<output>"}: 13 bytes around the output.
		emu.respondWith((inp) => ({ output: 'x'.repeat(Number(inp.prompt)) }));
		for (const n of [10_226, 10_227]) await fal.queue.submit(ENDPOINT_ID, { input: input(String(n)) });
		await until(() => emu.leftRunning().length === 0);
		const [small, large] = emu.jobs.values();
		expect([small, large].map((j) => Buffer.byteLength(JSON.stringify(j.result!.body)))).toEqual([10_239, 10_240]);
		expect(small.resultExpiresAt! - small.completedAt!).toBe(3_600_000);
		expect(large.resultExpiresAt! - large.completedAt!).toBe(360_000);
	});

	it('then the result answers 404; the status stays COMPLETED, the history keeps the output, it is still undelivered', async () => {
		const { emu, fal } = ctx;
		emu.setRetention({ ms: 50 });
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('kept briefly') });
		const job = emu.jobs.get(request_id)!;
		await until(() => job.status === 'COMPLETED');
		expect(job.resultExpiresAt).toBe(job.completedAt! + 50);
		await until(() => Date.now() >= job.resultExpiresAt!);

		const e = await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }));
		expect([e.status, e.body]).toEqual([404, { detail: 'Request not found' }]);
		expect(await fal.queue.status(ENDPOINT_ID, { requestId: request_id })).toMatchObject({ status: 'COMPLETED' });
		const history = await fetch(`https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=${ENDPOINT_ID}&expand=payloads`, {
			headers: { authorization: 'Key test-key' },
		});
		expect(((await history.json()) as any).items).toEqual([expect.objectContaining({ request_id, json_output: job.result!.body })]);
		expect(emu.undelivered()).toEqual([job]);
	});
});
