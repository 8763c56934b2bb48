import { runWorkflow } from '../harness/run';
import { NODE_NAME, triggerThen } from '../harness/workflow';
import { useFalEmulator } from '../nodes/OpenRouterAudio/useFalEmulator';

const ITEMS = 1000;
// Long enough for the fal client's own backoff (up to ~7 s over three retries) plus the node's retries.
const TIMEOUT_S = 12;
// Five jobs take longer than the per-item timeout; the rest finish at once.
const isSlow = (n: number) => n % 200 === 7;

const emulator = useFalEmulator({
	seed: 42,
	jobLatency: (input) => (isSlow(Number(String(input?.prompt).split(' ')[1])) ? 20_000 : 0),
});

// Faults with fixed probabilities per request: about one item in five meets at least one of them.
function injectFaults() {
	const always = { times: Infinity };
	return [
		emulator().fault({ ...always, route: 'submit', status: 429, retryAfter: 0, body: { detail: 'Rate limited' }, probability: 0.06 }),
		emulator().fault({ ...always, route: 'submit', status: 503, body: { detail: 'Unavailable' }, probability: 0.04 }),
		emulator().fault({ ...always, route: 'submit', after: 'drop', probability: 0.03 }),
		emulator().fault({ ...always, route: 'stream', status: 503, body: { detail: 'Unavailable' }, probability: 0.03 }),
		emulator().fault({ ...always, route: 'stream', drop: true, probability: 0.02 }),
		emulator().fault({ ...always, route: 'result', status: 500, body: { detail: 'Internal error' }, probability: 0.04 }),
		emulator().fault({ ...always, route: 'result', drop: true, probability: 0.02 }),
	];
}

test(`${ITEMS} items through 20% injected faults: one output each, in order, none duplicated`, async () => {
	const unhandled: unknown[] = [];
	const onUnhandled = (reason: unknown) => unhandled.push(reason);
	process.on('unhandledRejection', onUnhandled);
	const faults = injectFaults();
	try {
		const inputs = Array.from({ length: ITEMS }, (_, n) => ({ n }));
		const result = await runWorkflow({
			...triggerThen(
				{
					audioUrl: 'https://audio.example/load.mp3',
					task: 'custom',
					prompt: '=Item {{ $json.n }}',
					options: { concurrency: 50, timeout: TIMEOUT_S, maxRetries: 4 },
				},
				inputs,
				{ continueOnFail: true },
			),
			timeoutMs: 170_000,
		});
		const output = result.items(NODE_NAME);

		// Exactly one output per input, in input order.
		expect(output).toHaveLength(ITEMS);
		expect(output.map((item) => item.pairedItem)).toEqual(inputs.map(({ n }) => ({ item: n })));

		const failed = output.flatMap((item, n) => (item.json.error ? [{ n, error: String(item.json.error) }] : []));
		const succeeded = output.filter((item) => !item.json.error);

		// Each success answers its own item: no crossed wires.
		for (const [n, item] of output.entries()) {
			if (!item.json.error) expect(item.json.output).toBe(`Echo from google/gemini-3-flash-preview: Item ${n}`);
		}
		// The slow jobs fail on the timeout with a clear message; only a few others may exhaust their retries.
		for (const n of inputs.map(({ n }) => n).filter(isSlow)) {
			expect(failed.find((failure) => failure.n === n)?.error).toBe(
				`The request to fal did not finish within the "Timeout (Seconds)" limit of ${TIMEOUT_S} seconds [item ${n}]`,
			);
		}
		const otherFailures = failed.filter((failure) => !isSlow(failure.n));
		expect(otherFailures.length).toBeLessThanOrEqual(ITEMS * 0.01);
		for (const failure of otherFailures) {
			expect(failure.error).toMatch(/^(fal failed to process the request \(HTTP 5\d\d\)|fal is rate limiting|Could not reach fal).*\[item \d+\]$/);
		}

		// Nothing duplicated: one fal job per item, and every success has its own request ID.
		const prompts = [...emulator().jobs.values()].map((job: any) => job.input.prompt);
		expect(new Set(prompts).size).toBe(prompts.length);
		expect(new Set(succeeded.map((item) => item.json.requestId)).size).toBe(succeeded.length);
		// The faults did happen: at least one for every five items.
		expect(faults.reduce((sum, fault) => sum + fault.hits, 0)).toBeGreaterThanOrEqual(ITEMS * 0.2);
		expect(unhandled).toEqual([]);
	} finally {
		process.off('unhandledRejection', onUnhandled);
	}
}, 180_000);
