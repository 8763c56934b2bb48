import type { INode, NodeExecutionHint } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forItem } from '../errors/itemError';
import type { ItemCost, SpendLedger } from './ledger';

// What the user reads about money: the error of an item the limit did not send, and, after each run, what the run
// cost and why, in the editor's output panel (n8n's execution hints).

export const LIMIT_FIELD = 'Max Cost per Execution';

/** US dollars as fal reports them: up to six decimals, no float noise. */
export function usd(amount: number): string {
	return `$${Number(amount.toFixed(6))}`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const itemList = (items: number[]) => `${items.length === 1 ? 'item' : 'items'} ${items.join(', ')}`;

/** An item that Max Cost per Execution did not let send a job: nothing was sent for it, nothing paid. */
export class SpendLimitReached extends NodeOperationError {}

function unpricedNote(ledger: SpendLedger): string {
	const unpriced = ledger.unpriced;
	if (unpriced === 0) return '';
	const highest = ledger.highest;
	const counted = highest === undefined ? '' : `, each counted at the highest cost seen (${usd(highest)})`;
	return ` Of them, ${plural(unpriced, 'job')} ended without a reported cost (fal bills ${unpriced === 1 ? 'it' : 'them'}, or may)${counted}: see the fal dashboard.`;
}

export function limitReachedError(node: INode, itemIndex: number, ledger: SpendLedger): SpendLimitReached {
	const reached = ledger.reachedAt ?? { spent: ledger.spent, jobs: ledger.jobCount };
	const highest = ledger.highest;
	const blind = ledger.answeredWithoutCost;
	if (blind) {
		const error = new SpendLimitReached(
			node,
			forItem(`${LIMIT_FIELD} of ${usd(ledger.limit)} cannot be kept: fal's answer for job ${blind} reported no cost; this item was not sent, nothing was paid for it`, itemIndex),
			{
				itemIndex,
				description: `Without the cost of every answer the node cannot tell what this execution spent (${usd(reached.spent)} reported on ${plural(reached.jobs, 'job')}), so it sends no new job. Check the job's cost in the fal dashboard; to run without a limit, set "${LIMIT_FIELD} (USD)" to 0.`,
			},
		);
		error.context.spendLimit = ledger.limit;
		return error;
	}
	const error = new SpendLimitReached(
		node,
		forItem(
			`${LIMIT_FIELD} of ${usd(ledger.limit)} reached: ${usd(reached.spent)} spent on ${plural(reached.jobs, 'job')}; this item was not sent, nothing was paid for it`,
			itemIndex,
		),
		{
			itemIndex,
			description:
				`The node sends no new fal job once this execution's jobs could cost more than the limit: what fal reported them to cost, plus the jobs still running counted at the highest cost seen so far${highest === undefined ? '' : ` (${usd(highest)})`}.` +
				`${unpricedNote(ledger)} Raise "${LIMIT_FIELD} (USD)" under Options, or send the items that were not sent in a new execution.`,
		},
	);
	error.context.spendLimit = ledger.limit;
	return error;
}

const itemsOf = (ledger: SpendLedger, items: number[], kind: ItemCost['kind']) => items.filter((item) => ledger.items.get(item)?.kind === kind);

/** What became of the failed items' jobs: paid, billed without a reported cost, not paid, not sent. */
function failedItems(ledger: SpendLedger, failed: number[]): string {
	const paid = itemsOf(ledger, failed, 'paid');
	const paidCost = paid.reduce((sum, item) => sum + (ledger.items.get(item) as { cost: number }).cost, 0);
	const parts = [
		paid.length && `${itemList(paid)} paid (${usd(paidCost)}: fal completed the job; the error keeps its request ID)`,
		itemsOf(ledger, failed, 'unpriced').length &&
			`${itemList(itemsOf(ledger, failed, 'unpriced'))} billed or may be, without a reported cost (the job ran or may still run)`,
		itemsOf(ledger, failed, 'unbilled').length && `${itemList(itemsOf(ledger, failed, 'unbilled'))} not paid (no job ran)`,
		itemsOf(ledger, failed, 'notSent').length && `${itemList(itemsOf(ledger, failed, 'notSent'))} not sent (${LIMIT_FIELD})`,
	].filter(Boolean);
	return `${plural(failed.length, 'item')} failed: ${parts.join('; ')}.`;
}

/** The execution's spending in one sentence. */
function spending(ledger: SpendLedger): string {
	const unpriced = ledger.unpriced;
	const priced = ledger.jobCount - unpriced;
	const without = unpriced ? `, and ${plural(unpriced, 'job')} fal bills or may without a reported cost (see the fal dashboard)` : '';
	return `fal cost of this execution: ${usd(ledger.spent)} for ${plural(priced, 'job')}, as fal reported each answer's usage.cost${without}.`;
}

/** The run's hints for the output panel: what it cost, which failed items were paid, and the limit. */
export function costHints(ledger: SpendLedger, flow: 'waits' | 'submits', failed: number[]): NodeExecutionHint[] {
	const hint = (message: string, type: NodeExecutionHint['type'] = 'info'): NodeExecutionHint => ({ message, type, location: 'outputPane' });
	if (flow === 'submits') {
		const submitted = ledger.jobCount;
		return [
			hint(
				`${plural(submitted, 'fal job')} submitted in this execution. What a job costs is known only once it completes: its answer's usage.cost (Get Job, or the webhook). ${LIMIT_FIELD} is an option of Analyze Audio, which waits for the answers.`,
			),
		];
	}
	const hints = [hint(spending(ledger))];
	if (failed.length) hints.push(hint(failedItems(ledger, failed), 'warning'));
	if (ledger.limit > 0) {
		const notSent = [...ledger.items.values()].filter((item) => item.kind === 'notSent').length;
		const blind = ledger.answeredWithoutCost;
		hints.push(
			blind
				? hint(`${LIMIT_FIELD} of ${usd(ledger.limit)} cannot be kept: fal's answer for job ${blind} reported no cost, so ${plural(notSent, 'item was', 'items were')} not sent.`, 'warning')
				: ledger.reachedAt
				? hint(
						`${LIMIT_FIELD} of ${usd(ledger.limit)} reached: it stopped the batch, ${plural(notSent, 'item was', 'items were')} not sent and not paid for.`,
						'warning',
					)
				: hint(`${LIMIT_FIELD} of ${usd(ledger.limit)}: ${usd(ledger.spent)} spent, the limit stopped nothing.`),
		);
	}
	return hints;
}

/**
 * Why the node failed when the limit stopped items without Continue On Fail, added to its error: what was spent
 * once the running jobs delivered, and where their paid answers are.
 */
export function stoppedSummary(ledger: SpendLedger): string {
	const items = [...ledger.items.entries()];
	const notSent = items.filter(([, cost]) => cost.kind === 'notSent').map(([item]) => item);
	const paid = items.flatMap(([item, cost]) => (cost.kind === 'paid' ? [`item ${item}: ${cost.requestId}`] : []));
	const answers = paid.length
		? ` The answers of the jobs that completed are paid for and kept at fal: fetch them with the "Get Job" operation and their request IDs (${paid.join(', ')}).`
		: '';
	return `Once the running jobs had delivered: ${spending(ledger)} ${plural(notSent.length, 'item was', 'items were')} not sent (${itemList(notSent)}).${answers} Turn on "Continue On Fail" to get every answer as an output item and the items not sent as errors.`;
}
