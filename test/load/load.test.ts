import type { INodeParameters } from 'n8n-workflow';

import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator } from '../tools/harness';

const ITEMS = 1000;
// Long enough that retries and reconciling a lost submit fit inside it on a busy CI machine.
const TIMEOUT_S = 30;
// Five jobs take longer than the per-item timeout; a few others run long enough for their stream to be cut.
const numberOf = (input: any) => Number(String(input?.prompt).split(' ')[1]);
const isSlow = (n: number) => n % 200 === 7;
const isLong = (n: number) => n % 50 === 3;

const emulator = useFalEmulator({
	seed: 42,
	itemKey: (input) => input?.prompt,
	jobLatency: (input) => (isSlow(numberOf(input)) ? 60_000 : isLong(numberOf(input)) ? 1500 : 0),
});

// Faults with fixed probabilities per request: about one item in four meets at least one of them.
function injectFaults() {
	const always = { times: Infinity };
	return [
		emulator().fault({ ...always, route: 'submit', status: 429, retryAfter: 0, body: { detail: 'Rate limited' }, probability: 0.05 }),
		emulator().fault({ ...always, route: 'submit', beforeBody: true, status: 503, body: { detail: 'Unavailable' }, probability: 0.03 }),
		// Lost submit answers: after fal created the job, and before.
		emulator().fault({ ...always, route: 'submit', after: 'drop', probability: 0.03 }),
		emulator().fault({ ...always, route: 'submit', after: 'replace', status: 502, body: { detail: 'Bad gateway' }, probability: 0.01 }),
		emulator().fault({ ...always, route: 'submit', drop: true, probability: 0.01 }),
		// Streams cut mid-job.
		emulator().fault({ ...always, route: 'stream', cut: { afterEvents: 1, how: 'destroy' }, probability: 0.05 }),
		emulator().fault({ ...always, route: 'stream', cut: { afterEvents: 1, how: 'end' }, probability: 0.03 }),
		emulator().fault({ ...always, route: 'stream', status: 503, body: { detail: 'Unavailable' }, probability: 0.02 }),
		// Result errors.
		emulator().fault({ ...always, route: 'result', status: 500, body: { detail: 'Internal error' }, probability: 0.04 }),
		emulator().fault({ ...always, route: 'result', after: 'drop', probability: 0.02 }),
		emulator().fault({ ...always, route: 'result', after: 'truncate', probability: 0.02 }),
	];
}

const params = (options: INodeParameters): INodeParameters => ({ audioUrl: 'https://audio.example/load.mp3', task: 'custom', prompt: '=Item {{ $json.n }}', options });
const inputs = Array.from({ length: ITEMS }, (_, n) => ({ n }));

async function until(check: () => boolean, ms: number) {
	for (const started = Date.now(); !check() && Date.now() - started < ms; ) await new Promise((resolve) => setTimeout(resolve, 200));
}

test(`${ITEMS} items through injected faults: one output each, in order, one job at most, none left running or thrown away`, async () => {
	const unhandled: unknown[] = [];
	const onUnhandled = (reason: unknown) => unhandled.push(reason);
	process.on('unhandledRejection', onUnhandled);
	const faults = injectFaults();
	try {
		const result = await runWorkflow({
			...triggerThen(params({ concurrency: 50, timeout: TIMEOUT_S, maxRetries: 4 }), inputs, { continueOnFail: true }),
			timeoutMs: 170_000,
		});
		const output = result.items(NODE_NAME);

		// Exactly one output per input, in input order.
		expect(output).toHaveLength(ITEMS);
		expect(output.map((item) => item.pairedItem)).toEqual(inputs.map(({ n }) => ({ item: n })));

		// Each success answers its own item: no crossed wires.
		for (const [n, item] of output.entries()) {
			if (!item.json.error) expect(item.json.output).toBe(`Echo from google/gemini-3-flash-preview: Item ${n}`);
		}
		const failed = output.flatMap((item, n) => (item.json.error ? [{ n, error: String(item.json.error) }] : []));
		for (const n of inputs.map(({ n }) => n).filter(isSlow)) {
			expect(failed.find((failure) => failure.n === n)?.error).toMatch(/^(The request to fal did not finish within the "Timeout \(Seconds\)" limit of 30 seconds|fal may have created a job)/);
		}
		const otherFailures = failed.filter((failure) => !isSlow(failure.n));
		expect(otherFailures.length).toBeLessThanOrEqual(ITEMS * 0.01);

		// From the emulator's own records: at most one job per item, none left running, no paid answer thrown away.
		expect(Math.max(...Object.values(emulator().jobsPerItem()))).toBe(1);
		await until(() => emulator().leftRunning().length === 0, 10_000);
		expect(emulator().leftRunning()).toEqual([]);
		// (each listed with its item's output, to say why)
		expect(emulator().undelivered().map((job) => ({ key: job.key, output: output[numberOf(job.input)]?.json }))).toEqual([]);
		// The faults did happen.
		expect(faults.reduce((sum, fault) => sum + fault.hits, 0)).toBeGreaterThanOrEqual(ITEMS * 0.2);
		expect(faults.every((fault) => fault.hits > 0)).toBe(true);
		expect(unhandled).toEqual([]);
	} finally {
		process.off('unhandledRejection', onUnhandled);
	}
}, 180_000);

test(`${ITEMS} items, Stop half way: one job per item at most, none left running`, async () => {
	injectFaults();
	emulator().setLatency(400);
	let completedAtStop = 0;
	const result = await runWorkflow({
		...triggerThen(params({ concurrency: 50, maxRetries: 4 }), inputs, { continueOnFail: true }),
		onStart: ({ cancel }) => {
			void until(() => [...emulator().jobs.values()].filter((job) => job.status === 'COMPLETED').length >= ITEMS / 2, 120_000).then(() => {
				completedAtStop = [...emulator().jobs.values()].filter((job) => job.status === 'COMPLETED').length;
				cancel();
			});
		},
		timeoutMs: 170_000,
	});
	expect(result.run.status).toBe('canceled');
	expect(completedAtStop).toBeGreaterThanOrEqual(ITEMS / 2);
	expect(emulator().jobs.size).toBeLessThan(ITEMS);
	expect(Math.max(...Object.values(emulator().jobsPerItem()))).toBe(1);
	await until(() => emulator().leftRunning().length === 0, 20_000);
	expect(emulator().leftRunning()).toEqual([]);
	// The Stop found jobs running and cancelled them.
	expect([...emulator().jobs.values()].filter((job) => job.cancelled).length).toBeGreaterThan(0);
}, 180_000);
