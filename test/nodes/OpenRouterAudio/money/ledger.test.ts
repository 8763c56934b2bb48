import { mayBeBilled, SpendLedger } from '../../../../nodes/OpenRouterAudio/money/ledger';

const signal = () => new AbortController().signal;
/** Whether the gate has answered yet, without waiting. */
const settled = async <T>(promise: Promise<T>) => await Promise.race([promise.then((value) => ({ value })), new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);

test('no limit: every job is let through at once, and the cost is still counted', async () => {
	const ledger = new SpendLedger();
	for (let i = 0; i < 5; i++) expect(await ledger.admit(signal())).toBe('send');
	ledger.answer('a', 0.5);
	ledger.answer('b', 0.25);
	expect(ledger.spent).toBe(0.75);
	expect(ledger.jobCount).toBe(2);
});

test('the first job runs alone until its cost is known; then jobs go while the open ones, at the highest cost seen, fit', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.05;
	expect(await ledger.admit(signal())).toBe('send');
	const second = ledger.admit(signal());
	expect(await settled(second)).toBeUndefined();
	ledger.answer('job-1', 0.01);
	ledger.close();
	expect(await second).toBe('send');
	// Spent 0.01 and each open job at 0.01: a third (0.03), a fourth (0.04), a fifth (0.05); a sixth would be 0.06.
	for (let i = 0; i < 3; i++) expect(await ledger.admit(signal())).toBe('send');
	const sixth = ledger.admit(signal());
	expect(await settled(sixth)).toBeUndefined();
	ledger.answer('job-2', 0.005);
	ledger.close();
	expect(await settled(sixth)).toBeUndefined(); // 0.015 + (3 open + 1) × 0.01 = 0.055
	ledger.answer('job-3', 0.01);
	ledger.close();
	expect(await settled(sixth)).toBeUndefined(); // 0.025 + (2 + 1) × 0.01 = 0.055
	// An open job that cost less than the highest seen makes room: 0.03 + (1 + 1) × 0.01 = 0.05.
	ledger.answer('job-4', 0.005);
	ledger.close();
	expect(await sixth).toBe('send');
	expect(ledger.reachedAt).toBeUndefined();
});

test('once no job is open and the next could pass the limit, it is reached for good: waiting jobs are stopped too', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.03;
	expect(await ledger.admit(signal())).toBe('send');
	const waiting = [ledger.admit(signal()), ledger.admit(signal())];
	ledger.answer('job-1', 0.02);
	ledger.close();
	expect(await Promise.all(waiting)).toEqual(['stop', 'stop']);
	expect(ledger.reachedAt).toEqual({ spent: 0.02, jobs: 1 });
	expect(await ledger.admit(signal())).toBe('stop');
});

test('a job billed without a reported cost counts at the highest cost seen; a job counted once however often it is read', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.05;
	await ledger.admit(signal());
	ledger.answer('job-1', 0.01);
	ledger.close();
	ledger.record('job-2', null); // e.g. an app error after it ran
	ledger.answer('job-1', 0.01);
	expect(ledger.spent).toBe(0.01);
	expect(ledger.unpriced).toBe(1);
	// 0.01 + (0 open + 1 unpriced + 1) × 0.01 = 0.03; then 0.04; then 0.05; a fourth would be 0.06.
	for (let i = 0; i < 3; i++) expect(await ledger.admit(signal())).toBe('send');
	const fourth = ledger.admit(signal());
	expect(await settled(fourth)).toBeUndefined();
	// The unpriced job's answer read again with its cost replaces the estimate.
	ledger.answer('job-2', 0.002);
	expect(ledger.unpriced).toBe(0);
});

test('an answer without a cost leaves the limit nothing to count: no new job is sent', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 10;
	await ledger.admit(signal());
	ledger.answer('job-1', null);
	ledger.close();
	expect(ledger.answeredWithoutCost).toBe('job-1');
	expect(await ledger.admit(signal())).toBe('stop');
});

test('a job waiting at the gate leaves when its signal aborts, and the next one keeps its place', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 1;
	await ledger.admit(signal());
	const abort = new AbortController();
	const leaving = ledger.admit(abort.signal);
	const next = ledger.admit(signal());
	abort.abort(new Error('stopped'));
	await expect(leaving).rejects.toThrow('stopped');
	expect(ledger.waiting).toBe(1);
	ledger.answer('job-1', 0.1);
	ledger.close();
	expect(await next).toBe('send');
});

test('a job taken over from an earlier try is not gated but holds its place in the bound', async () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.03;
	ledger.answer('earlier', 0.01);
	ledger.hold();
	// 0.01 + (1 held + 1) × 0.01 = 0.03: one more fits; the next must wait for both open jobs.
	expect(await ledger.admit(signal())).toBe('send');
	const next = ledger.admit(signal());
	expect(await settled(next)).toBeUndefined();
	ledger.answer('held', 0.01);
	ledger.close();
	expect(await settled(next)).toBeUndefined(); // 0.02 + (1 + 1) × 0.01 = 0.04
	ledger.answer('sent', 0.01);
	ledger.close();
	expect(await next).toBe('stop'); // 0.03 spent: one more could pass the limit
	expect(ledger.reachedAt).toEqual({ spent: 0.03, jobs: 3 });
});

test('only a job that never ran is free of a bill', () => {
	expect(mayBeBilled({ kind: 'endedUnstarted' })).toBe(false);
	expect(mayBeBilled({ kind: 'cancel', answer: 'requested', seenAs: 'queued' })).toBe(false);
	expect(mayBeBilled({ kind: 'cancel', answer: 'requested', seenAs: 'running', ended: 'stopped' })).toBe(true);
	expect(mayBeBilled({ kind: 'cancel', answer: 'completed', seenAs: 'running' })).toBe(true);
	expect(mayBeBilled({ kind: 'completed' })).toBe(true);
	expect(mayBeBilled({ kind: 'mayExist', since: 0 })).toBe(true);
});
