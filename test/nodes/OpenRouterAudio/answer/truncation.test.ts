import { howItEnded, noSegmentsCutOffNote, segmentsCutOffNote, tokenLimit } from '../../../../nodes/OpenRouterAudio/answer/truncation';

const usage = { prompt_tokens: 500, completion_tokens: 50, total_tokens: 550, cost: 0.0003 };

describe('truncation notes', () => {
	const reached = tokenLimit({ ...usage, completion_tokens: 40 }, 40);
	const below = tokenLimit({ ...usage, completion_tokens: 39 }, 40);
	const unset = tokenLimit(usage, undefined);

	test('why: certain at the limit, otherwise "ends mid-way"', () => {
		expect(reached).toEqual({ maxTokens: 40, reached: true });
		expect(howItEnded(reached)).toBe('was cut off at the Max Tokens limit of 40');
		expect(howItEnded(below)).toBe('ends mid-way, as when the model reaches its output token limit');
		expect(howItEnded(unset)).toBe(howItEnded(below));
	});

	test('segments kept, none kept, and what to do with Max Tokens set or not', () => {
		expect(segmentsCutOffNote(reached, 2)).toBe(
			'The answer was cut off at the Max Tokens limit of 40: only its 2 complete segments are kept. Raise "Max Tokens" under Options (or leave it unset) and run the item again.',
		);
		expect(segmentsCutOffNote(below, 1)).toMatch(/^The answer ends mid-way, as when the model reaches its output token limit: only its 1 complete segment is kept\. Raise/);
		expect(segmentsCutOffNote(unset, 3)).toMatch(/kept\. "Max Tokens" is not set under Options, so the model's own output limit applies: split a long recording into shorter parts\.$/);
		expect(noSegmentsCutOffNote(reached, true)).toMatch(/^The answer was cut off at the Max Tokens limit of 40 before its first complete segment: no segments are kept\. Raise/);
		expect(noSegmentsCutOffNote(reached, false)).toMatch(/^The answer was cut off at the Max Tokens limit of 40: no segments are kept\./);
		expect(noSegmentsCutOffNote(below, true)).toMatch(/^The answer ends before its first complete segment, as when the model reaches its output token limit: no segments are kept\./);
	});
});

describe('tokenLimit', () => {
	test('reached only with Max Tokens set and completion_tokens known and at least as many', () => {
		expect(tokenLimit(usage, 50)).toEqual({ maxTokens: 50, reached: true });
		expect(tokenLimit(usage, 49).reached).toBe(true);
		expect(tokenLimit(usage, 51).reached).toBe(false);
		expect(tokenLimit(usage, undefined)).toEqual({ maxTokens: undefined, reached: false });
		expect(tokenLimit(null, 50).reached).toBe(false);
		expect(tokenLimit({ ...usage, completion_tokens: null }, 1).reached).toBe(false);
	});
});
