import type { IExecuteFunctions, INode } from 'n8n-workflow';

import type { JobFate } from '../outcome/jobFate';
import { ExpiringMap } from '../lib/expiringMap';
import { mayBeBilled, SpendLedger } from './ledger';
import { limitReachedError } from './report';

// n8n's Retry On Fail runs the node again in the same execution and process, and a loop runs it again in the same
// execution: "Max Cost per Execution" counts them all. So the ledger lives here, by execution and node, the way the
// Retry On Fail memory keeps its jobs (job/retryMemory.ts); nothing is written anywhere, and entries expire.

// A day covers the longest execution worth counting many times over; each entry holds a few numbers per job.
const ledgers = new ExpiringMap<SpendLedger>({ maxEntries: 10_000, ttlMs: 24 * 60 * 60 * 1000 });

/**
 * This execution's ledger for this node, with "Max Cost per Execution" (USD, 0 = none) as the run reads it. Each
 * run (a try of Retry On Fail, a turn of a loop) starts a new report of its items; what was spent stays counted.
 */
export function executionLedger(ctx: IExecuteFunctions, limit: number): SpendLedger {
	const key = JSON.stringify([ctx.getExecutionId(), ctx.getNode().name]);
	const ledger = ledgers.get(key) ?? new SpendLedger();
	ledgers.set(key, ledger);
	ledger.limit = limit;
	ledger.items.clear();
	return ledger;
}

/** One item's job as the ledger sees it: let through the gate, taken over, priced, ended. */
export class ItemSpend {
	/** The item holds one of the ledger's open jobs. */
	private holding = false;

	constructor(
		private readonly ledger: SpendLedger,
		private readonly node: INode,
		private readonly itemIndex: number,
	) {}

	/** Before a new job is sent: waits until it fits under the limit; throws the item's error when it cannot. */
	async admit(signal: AbortSignal): Promise<void> {
		if ((await this.ledger.admit(signal)) === 'stop') {
			this.ledger.items.set(this.itemIndex, { kind: 'notSent' });
			throw limitReachedError(this.node, this.itemIndex, this.ledger);
		}
		this.holding = true;
	}

	/** A job an earlier try sent, still running: costs nothing new to take over, but may still add its cost. */
	adopted(): void {
		if (this.holding) return;
		this.ledger.hold();
		this.holding = true;
	}

	/** fal's answer for the job: what it reported the job cost (null: no cost in the answer). */
	answered(requestId: string, cost: number | null): void {
		this.ledger.answer(requestId, cost);
		this.report(requestId, requestId);
		this.release();
	}

	/** The item is done with its job, whatever became of it: a job without a reported cost counts as billed unless it never ran. */
	ended(requestId: string | undefined, fate: JobFate): void {
		const key = requestId ?? (fate.kind === 'mayExist' ? `lost submit ${this.itemIndex} ${fate.since}` : undefined);
		if (key !== undefined && mayBeBilled(fate)) this.ledger.record(key, null);
		if (key !== undefined && this.ledger.has(key)) this.report(key, requestId);
		else if (!this.ledger.items.has(this.itemIndex)) this.ledger.items.set(this.itemIndex, { kind: 'unbilled' });
		this.release();
	}

	private report(key: string, requestId: string | undefined): void {
		const cost = this.ledger.costOf(key);
		this.ledger.items.set(this.itemIndex, typeof cost === 'number' && requestId ? { kind: 'paid', requestId, cost } : { kind: 'unpriced', requestId });
	}

	private release(): void {
		if (!this.holding) return;
		this.holding = false;
		this.ledger.close();
	}
}
