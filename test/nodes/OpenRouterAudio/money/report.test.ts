import { SpendLedger } from '../../../../nodes/OpenRouterAudio/money/ledger';
import { limitReachedError, usd } from '../../../../nodes/OpenRouterAudio/money/report';
import { node } from '../../../tools/harness';

test('dollars as fal reports them, without float noise', () => {
	expect(usd(0.1 + 0.2)).toBe('$0.3');
	expect(usd(0.0003)).toBe('$0.0003');
	expect(usd(12)).toBe('$12');
	expect(usd(0.0825)).toBe('$0.0825');
});

test('limitReachedError says which jobs count at the highest cost seen', () => {
	const ledger = new SpendLedger();
	ledger.limit = 0.05;
	ledger.answer('job-1', 0.02);
	ledger.record('job-2', null);
	expect(limitReachedError(node, 3, ledger).description).toContain('Of them, 1 job ended without a reported cost (fal bills it, or may), each counted at the highest cost seen ($0.02): see the fal dashboard.');
});
