/** faults.js: injected status codes, drops, delays and seeded probabilities. */
import { caught, emu, fal, input, useRoutedClient } from './client';
import { ENDPOINT_ID } from './server';

useRoutedClient();

describe('faults', () => {
	it('a 500 on submit once fails the call (not retried), the next submit works', async () => {
		const rule = emu.fault({ route: 'submit', status: 500 });
		const e = await caught(fal.queue.submit(ENDPOINT_ID, { input: input() }));
		expect(e.status).toBe(500);
		expect(rule.hits).toBe(1);
		expect(emu.jobs.size).toBe(0);
		await expect(fal.queue.submit(ENDPOINT_ID, { input: input() })).resolves.toHaveProperty('request_id');
		expect(emu.jobs.size).toBe(1);
	});

	it('a dropped submit is retried by the client', async () => {
		emu.fault({ route: 'submit', drop: true });
		const result = await fal.subscribe(ENDPOINT_ID, { input: input(), pollInterval: 10 });
		expect(result.data.output).toContain('Echo from');
		expect(emu.stats().routes.submit).toBe(2);
		expect(emu.jobs.size).toBe(1);
	});

	it('503 with Retry-After, text bodies, delays', async () => {
		emu.fault({ route: 'pricing', status: 503, retryAfter: 7 });
		emu.fault({ route: 'pricing', status: 502, text: '<html>bad gateway</html>' });
		emu.fault({ route: 'pricing', delayMs: 100 });
		const get = () => fetch('https://api.fal.ai/v1/models/pricing', { headers: { Authorization: 'Key test-key' } });
		const a = await get();
		expect([a.status, a.headers.get('retry-after')]).toEqual([503, '7']);
		const b = await get();
		expect([b.status, b.headers.get('content-type'), await b.text()]).toEqual([502, 'text/html; charset=utf-8', '<html>bad gateway</html>']);
		const t0 = Date.now();
		expect((await get()).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
	});

	it('probability faults are deterministic for a seed', async () => {
		const run = async () => {
			emu.reset();
			emu.fault({ route: 'pricing', status: 500, probability: 0.5, times: Infinity });
			const codes = [];
			for (let i = 0; i < 16; i++) {
				codes.push((await fetch('https://api.fal.ai/v1/models/pricing', { headers: { Authorization: 'Key test-key' } })).status);
			}
			return codes;
		};
		const first = await run();
		expect(first).toContain(500);
		expect(first).toContain(200);
		expect(await run()).toEqual(first);
	});
});
