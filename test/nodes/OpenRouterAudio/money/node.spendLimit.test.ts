import type { IDataObject } from 'n8n-workflow';

import { AUDIO, NODE_NAME, runWorkflow, triggerThen, useFalEmulator } from '../../../tools/harness';
import { defaultAnswer } from '../../../tools/emulator';

// Max Cost per Execution, in n8n's real engine against the emulator, whose own bill decides: the jobs of an
// execution cost at most the limit, and an item the limit did not let through was never submitted.
// The costs vary per job (by submit order), and none costs more than the first: the case the guarantee covers.
const COSTS = [0.02, 0.01, 0.015, 0.005, 0.02, 0.0125, 0.01, 0.0175];
const emulator = useFalEmulator({
	itemKey: (input) => input?.prompt,
	latencyMs: 150,
	// The account runs 4 jobs at once ("automatic" learns it).
	concurrency: 4,
	jobCost: (_input, job) => COSTS[job.index % COSTS.length],
});
const LIMIT = 0.1;
const items = Array.from({ length: 16 }, (_, n) => ({ n }));
const analyze = (options: IDataObject = {}) => ({ audioUrl: AUDIO, task: 'custom', prompt: '=Item {{ $json.n }}', options: { maxCostPerExecution: LIMIT, ...options } });

const usd = (amount: number) => `$${Number(amount.toFixed(6))}`;
const NOT_SENT = /^Max Cost per Execution of \$0\.1 reached: \$([\d.]+) spent on (\d+) jobs?; this item was not sent, nothing was paid for it \[item (\d+)\]$/;
const jobsOf = (n: number) => emulator().jobsBy((job) => job.key).get(`Item ${n}`) ?? [];

/** What the emulator billed, and the checks every run shares: under the limit, stopped only when it had to. */
function billedWithinLimit() {
	const billed = emulator().billed();
	const total = emulator().billedCost();
	expect(total).toBeLessThanOrEqual(LIMIT + 1e-9);
	// The node stopped only once one more job, at the highest cost seen, could pass the limit.
	expect(total + Math.max(...billed.map((job) => job.cost!))).toBeGreaterThan(LIMIT);
	// Every job ran to its answer, which the node read: nothing cancelled, left running or thrown away.
	expect(emulator().cancelRequests).toEqual([]);
	expect(emulator().leftRunning()).toEqual([]);
	expect(emulator().undelivered()).toEqual([]);
	return { billed, total };
}

describe.each([
	['1', 1],
	['2', 2],
	["the account's (automatic)", 0],
])('at Max Concurrent Jobs %s, under Continue On Fail', (_name, concurrency) => {
	test('the jobs cost at most the limit; the items not sent were never submitted and say so; the output panel says what it cost', async () => {
		const result = await runWorkflow(triggerThen(analyze({ concurrency }), items, { continueOnFail: true }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		const { billed, total } = billedWithinLimit();

		const out = result.items(NODE_NAME);
		expect(out).toHaveLength(items.length);
		const answered = out.flatMap((item, n) => (item.json.error === undefined ? [n] : []));
		const notSent = out.flatMap((item, n) => (item.json.error === undefined ? [] : [n]));
		expect(answered.length).toBe(billed.length);
		expect(notSent.length).toBeGreaterThan(0);
		for (const n of answered) expect(jobsOf(n)).toHaveLength(1);
		for (const n of notSent) {
			expect(out[n].json.error).toMatch(NOT_SENT);
			expect(jobsOf(n)).toEqual([]);
		}
		// Each item keeps its usage as fal reported it; together they are the emulator's bill.
		const reported = answered.reduce((sum, n) => sum + ((out[n].json.usage as { cost: number }).cost ?? 0), 0);
		expect(reported).toBeCloseTo(total, 9);
		// Once the first cost was known, jobs ran side by side as far as the limit and the concurrency allowed.
		const peak = emulator().stats().peakInProgress;
		if (concurrency === 1) expect(peak).toBe(1);
		else expect(peak).toBeGreaterThan(1);

		const hints = result.runData[NODE_NAME][0].hints ?? [];
		expect(hints.map((hint) => hint.location)).toEqual(['outputPane', 'outputPane', 'outputPane']);
		expect(hints.map((hint) => hint.message)).toEqual([
			`fal cost of this execution: ${usd(total)} for ${billed.length} jobs, as fal reported each answer's usage.cost.`,
			`${notSent.length} items failed: items ${notSent.join(', ')} not sent (Max Cost per Execution).`,
			`Max Cost per Execution of $0.1 reached: it stopped the batch, ${notSent.length} items were not sent and not paid for.`,
		]);
	});
});

test('without Continue On Fail, the node fails after the running jobs delivered, and names the paid answers for Get Job', async () => {
	const result = await runWorkflow(triggerThen(analyze({ concurrency: 2 }), items));
	const { billed, total } = billedWithinLimit();
	const error = result.error(NODE_NAME)!;
	const [, spent, jobs] = NOT_SENT.exec(error.message)!;
	expect(Number(spent)).toBeLessThanOrEqual(total + 1e-9);
	expect(Number(jobs)).toBeLessThanOrEqual(billed.length);
	expect(error.description).toContain(`Once the running jobs had delivered: fal cost of this execution: ${usd(total)} for ${billed.length} jobs`);
	for (const job of billed) expect(error.description).toContain(job.requestId);
	const notSent = items.filter(({ n }) => jobsOf(n).length === 0).map(({ n }) => n);
	expect(error.description).toContain(`${notSent.length} items were not sent (items ${notSent.join(', ')})`);
});

test('on the error output, the items not sent go to the error branch like any failed item', async () => {
	const workflow = triggerThen(analyze({ concurrency: 2 }), items);
	workflow.nodes[workflow.nodes.length - 1].onError = 'continueErrorOutput';
	const result = await runWorkflow(workflow);
	const { billed } = billedWithinLimit();
	const [ok, failed] = result.runData[NODE_NAME][0].data!.main;
	expect(ok).toHaveLength(billed.length);
	expect(failed!.length).toBe(items.length - billed.length);
	for (const item of failed!) expect(item.json.error).toMatch(NOT_SENT);
});

test('Retry On Fail does not reset the count: later tries read the paid answers again and send nothing new', async () => {
	const result = await runWorkflow(triggerThen(analyze({ concurrency: 2 }), items, { retryOnFail: { maxTries: 3 } }));
	const { billed, total } = billedWithinLimit();
	for (const { n } of items) expect(jobsOf(n).length).toBeLessThanOrEqual(1);
	// Three tries, each read every paid answer: once paid, three times delivered.
	expect(billed.map((job) => job.deliveries)).toEqual(billed.map(() => 3));
	// The last try counted what the first ones spent.
	const [, spent, jobs] = NOT_SENT.exec(result.error(NODE_NAME)!.message)!;
	expect(usd(Number(spent))).toBe(usd(total));
	expect(Number(jobs)).toBe(billed.length);
});

test('Retry On Fail with Continue On Fail: one try, the same bill', async () => {
	const result = await runWorkflow(triggerThen(analyze({ concurrency: 0 }), items, { retryOnFail: { maxTries: 3 }, continueOnFail: true }));
	const { billed } = billedWithinLimit();
	expect(result.items(NODE_NAME).filter((item) => item.json.error === undefined)).toHaveLength(billed.length);
});

test('the edge: a job that costs more than every job before it can pass the limit, by what fal reports after the fact', async () => {
	emulator().setJobCost((_input, job) => [0.01, 0.01, 0.05][job.index] ?? 0.01);
	const result = await runWorkflow(triggerThen(analyze({ concurrency: 1, maxCostPerExecution: 0.05 }), items.slice(0, 5), { continueOnFail: true }));
	// Two jobs at 0.01 made the third look affordable (0.02 + 0.01 <= 0.05); it cost 0.05. Nothing was sent after it.
	expect(emulator().billedCost()).toBeCloseTo(0.07, 9);
	expect(emulator().jobs.size).toBe(3);
	expect(result.items(NODE_NAME)[3].json.error).toBe(
		'Max Cost per Execution of $0.05 reached: $0.07 spent on 3 jobs; this item was not sent, nothing was paid for it [item 3]',
	);
});

test('an answer without a cost leaves the limit nothing to count: the next items are not sent, and say why', async () => {
	emulator().respondWith((input) => ({ output: defaultAnswer(input).output, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
	const result = await runWorkflow(triggerThen(analyze({ concurrency: 0 }), items.slice(0, 3), { continueOnFail: true }));
	expect(emulator().jobs.size).toBe(1);
	const [first, ...rest] = result.items(NODE_NAME);
	expect(first.json.usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: null });
	for (const [i, item] of rest.entries()) {
		expect(item.json.error).toBe(
			`Max Cost per Execution of $0.1 cannot be kept: fal's answer for job ${first.json.requestId as string} reported no cost; this item was not sent, nothing was paid for it [item ${i + 1}]`,
		);
	}
});

test('no limit (0): every item is sent, and the output panel still says what the run cost', async () => {
	const result = await runWorkflow(triggerThen(analyze({ maxCostPerExecution: 0 }), items.slice(0, 6)));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(emulator().jobs.size).toBe(6);
	expect(result.runData[NODE_NAME][0].hints?.map((hint) => hint.message)).toEqual([
		`fal cost of this execution: ${usd(emulator().billedCost())} for 6 jobs, as fal reported each answer's usage.cost.`,
	]);
});

test('a failed item says in the output panel whether its job was paid', async () => {
	const rejected = { status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'Prompt not allowed', type: 'value_error' }] } };
	emulator().respondWith((input) => (input.prompt === 'Item 1' ? { error: rejected } : defaultAnswer(input)));
	// Item 2's submit is refused by fal's gateway: no job.
	emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 2' });
	const result = await runWorkflow(triggerThen(analyze({ maxCostPerExecution: 0 }), items.slice(0, 3), { continueOnFail: true }));
	expect(result.runData[NODE_NAME][0].hints?.[1]).toEqual({
		message: '2 items failed: item 1 billed or may be, without a reported cost (the job ran or may still run); item 2 not paid (no job ran).',
		type: 'warning',
		location: 'outputPane',
	});
});

test('Submit Job has no limit: it cannot know a cost when it returns, and its output panel says so', async () => {
	const result = await runWorkflow(triggerThen({ ...analyze(), operation: 'submit', options: {} }, items.slice(0, 3)));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.runData[NODE_NAME][0].hints?.map((hint) => hint.message)).toEqual([
		"3 fal jobs submitted in this execution. What a job costs is known only once it completes: its answer's usage.cost (Get Job, or the webhook). Max Cost per Execution is an option of Analyze Audio, which waits for the answers.",
	]);
});

test('an item whose submit answer was lost counts while fal\'s history is searched for its job: the limit still holds', async () => {
	// Item 0's job is created and its answer lost; fal's history lists the job 2 s after it started, so the item
	// searches that long. It holds the first job's place all along: no other job is sent before its cost is known.
	emulator().setHistoryLag(2000);
	emulator().fault({ route: 'submit', after: 'drop', match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 0' });
	const result = await runWorkflow({ ...triggerThen(analyze({ concurrency: 0 }), items, { continueOnFail: true }), timeoutMs: 60_000 });
	billedWithinLimit();
	const [first] = jobsOf(0);
	expect(emulator().requestsTo('submit').filter((req) => (req.body as { prompt?: string })?.prompt === 'Item 0')).toHaveLength(1);
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Item 0'));
	const others = [...emulator().jobs.values()].filter((job) => job !== first);
	expect(others.length).toBeGreaterThan(0);
	for (const job of others) expect(job.createdAt).toBeGreaterThanOrEqual(first.completedAt!);
	expect(Math.min(...others.map((job) => job.createdAt)) - first.createdAt).toBeGreaterThanOrEqual(2000);
}, 60_000);

test('a limit that is not a number of dollars fails before anything is sent, even under Continue On Fail', async () => {
	for (const [value, shown] of [[-1, '-1'], ['5 USD', '"5 USD"']] as const) {
		const result = await runWorkflow(triggerThen(analyze({ maxCostPerExecution: value }), items.slice(0, 2), { continueOnFail: true }));
		expect(result.error(NODE_NAME)?.message).toMatch(new RegExp(`^The "Max Cost per Execution \\(USD\\)" option is ${shown.replace(/[.$]/g, '\\$&')}, which is not (allowed|a number) \\[item 0\\]$`));
		expect(result.error(NODE_NAME)?.description).toBe('Use a number of US dollars, at least 0 (no limit), with at most 4 decimals. For example 5 or 0.50.');
	}
	expect(emulator().requestsTo('submit')).toEqual([]);
});

test('a job that runs on after its Timeout\'s cancel and is delivered late is counted like any other', async () => {
	emulator().setLatency(2500);
	emulator().setCancelBehaviour('ignore');
	const result = await runWorkflow(triggerThen(analyze({ timeout: 1 }), items.slice(0, 1)));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect((result.items(NODE_NAME)[0].json.usage as { cost: number }).cost).toBe(COSTS[0]);
	expect(emulator().billedCost()).toBe(COSTS[0]);
	expect(result.runData[NODE_NAME][0].hints?.[0].message).toBe(`fal cost of this execution: ${usd(COSTS[0])} for 1 job, as fal reported each answer's usage.cost.`);
});
