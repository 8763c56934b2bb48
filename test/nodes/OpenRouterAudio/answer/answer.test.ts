import { NodeApiError } from 'n8n-workflow';

import { parseAnswer } from '../../../../nodes/OpenRouterAudio/answer/answer';
import { node } from '../../../tools/harness';

const usage = { prompt_tokens: 500, completion_tokens: 50, total_tokens: 550, cost: 0.0003 };

describe('parseAnswer', () => {
	test('keeps output and the four usage numbers, drops anything else', () => {
		expect(parseAnswer(node, { output: 'Hi', usage: { ...usage, extra: 1 }, other: true }, 0, 'r')).toEqual({ output: 'Hi', usage });
	});

	test.each([
		['no usage', undefined],
		['usage: null', null],
		['usage that is not an object', 'n/a'],
		['usage as an array', [1, 2]],
		['an empty usage object', {}],
		['usage with only nulls', { prompt_tokens: null, completion_tokens: null, total_tokens: null, cost: null }],
		['usage with no numbers', { prompt_tokens: '5', cost: 'free', total_tokens: NaN, completion_tokens: Infinity }],
	])('%s: usage is null with a note, never zeros', (_, raw) => {
		const answer = parseAnswer(node, { output: 'Hi', usage: raw }, 0, 'r');
		expect(answer).toEqual({ output: 'Hi', usage: null, usageNote: "fal's answer did not include token usage" });
	});

	test('partial usage keeps the valid numbers, nulls the rest and names them', () => {
		const answer = parseAnswer(node, { output: 'Hi', usage: { prompt_tokens: 500, completion_tokens: null, total_tokens: 550 } }, 0, 'r');
		expect(answer).toEqual({
			output: 'Hi',
			usage: { prompt_tokens: 500, completion_tokens: null, total_tokens: 550, cost: null },
			usageNote: "fal's answer did not include completion_tokens, cost in its token usage",
		});
	});

	test('a zero that fal sent is kept as 0', () => {
		const zero = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 };
		expect(parseAnswer(node, { output: 'Hi', usage: zero }, 0, 'r')).toEqual({ output: 'Hi', usage: zero });
	});

	test.each([
		['a string (non-JSON response)', '<html>Bad gateway</html>', /not a JSON object \[item 2\]/],
		['null', null, /not a JSON object/],
		['an object without output', { usage }, /without "output" text \[item 2\]/],
		['an output that is not text', { output: 42, usage }, /without "output" text/],
	])('%s is a NodeApiError naming the item', (_, data, message) => {
		let error: unknown;
		try {
			parseAnswer(node, data, 2, 'req-9');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toMatch(message);
		expect((error as NodeApiError).description).toContain('req-9');
	});
});
