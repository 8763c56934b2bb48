import type { IExecuteFunctions } from 'n8n-workflow';

import { executionLedger, ItemSpend } from '../../../../nodes/OpenRouterAudio/money/execution';
import { SpendLedger } from '../../../../nodes/OpenRouterAudio/money/ledger';
import { costHints, SpendLimitReached } from '../../../../nodes/OpenRouterAudio/money/report';
import { node } from '../../../tools/harness';

const signal = () => new AbortController().signal;
const ctx = (executionId: string, name = node.name) => ({ getExecutionId: () => executionId, getNode: () => ({ ...node, name }) }) as unknown as IExecuteFunctions;

test('the ledger is kept by execution and node, across runs (Retry On Fail, a loop); each run starts a new report of its items', () => {
	const first = executionLedger(ctx('exec-a'), 1);
	first.answer('job-1', 0.25);
	first.items.set(0, { kind: 'paid', requestId: 'job-1', cost: 0.25 });
	const again = executionLedger(ctx('exec-a'), 1);
	expect(again).toBe(first);
	expect(again.spent).toBe(0.25);
	expect(again.items.size).toBe(0);
	expect(executionLedger(ctx('exec-b'), 1).spent).toBe(0);
	expect(executionLedger(ctx('exec-a', 'Another node'), 1).spent).toBe(0);
});

test('an item not sent fails with the limit, what was spent and on how many jobs, and says nothing was paid', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.05;
	const first = new ItemSpend(ledger, node, 0);
	await first.admit(signal());
	first.answered('job-1', 0.04);
	const error = await new ItemSpend(ledger, node, 4).admit(signal()).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(SpendLimitReached);
	expect((error as Error).message).toBe('Max Cost per Execution of $0.05 reached: $0.04 spent on 1 job; this item was not sent, nothing was paid for it [item 4]');
	expect((error as SpendLimitReached).context).toMatchObject({ itemIndex: 4, spendLimit: 0.05 });
	expect(ledger.items.get(4)).toEqual({ kind: 'notSent' });
});

test('a failed item\'s job: ended unstarted is not paid, ended after it ran without a cost is counted and reported as such', () => {
	const ledger = new SpendLedger();
	new ItemSpend(ledger, node, 0).ended('job-0', { kind: 'endedUnstarted' });
	new ItemSpend(ledger, node, 1).ended('job-1', { kind: 'cancel', answer: 'requested', seenAs: 'running', ended: 'running' });
	new ItemSpend(ledger, node, 2).ended(undefined, { kind: 'mayExist', since: 123 });
	new ItemSpend(ledger, node, 3).ended(undefined, { kind: 'none' });
	expect(ledger.unpriced).toBe(2);
	expect(ledger.jobCount).toBe(2);
	expect(costHints(ledger, 'waits', [0, 1, 2, 3]).map((hint) => hint.message)).toEqual([
		"fal cost of this execution: $0 for 0 jobs, as fal reported each answer's usage.cost, and 2 jobs fal bills or may without a reported cost (see the fal dashboard).",
		'4 items failed: items 1, 2 billed or may be, without a reported cost (the job ran or may still run); items 0, 3 not paid (no job ran).',
	]);
});
