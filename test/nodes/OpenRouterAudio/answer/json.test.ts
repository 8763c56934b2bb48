import { NodeOperationError } from 'n8n-workflow';

import { answerToJson, JSON_INSTRUCTION } from '../../../../nodes/OpenRouterAudio/answer/json';
import { tokenLimit } from '../../../../nodes/OpenRouterAudio/answer/truncation';
import { node } from '../../../tools/harness';
import { JSON_MARKER } from '../../../tools/emulator';

const usage = { prompt_tokens: 500, completion_tokens: 50, total_tokens: 550, cost: 0.0003 };
const meta = { model: 'google/gemini-2.5-flash', requestId: 'req-1', itemIndex: 3, format: 'text' as const, invalidJson: 'error' as const };

describe('answerToJson', () => {
	test('text format: output, usage, model and request ID', () => {
		expect(answerToJson(node, { output: 'Hello', usage }, meta)).toEqual({
			output: 'Hello',
			usage,
			model: 'google/gemini-2.5-flash',
			requestId: 'req-1',
		});
	});

	test('JSON format parses a fenced answer into data', () => {
		const json = answerToJson(node, { output: '```json\n{"speakers": 2}\n```', usage }, { ...meta, format: 'json' });
		expect(json.data).toEqual({ speakers: 2 });
		expect(json.output).toBe('```json\n{"speakers": 2}\n```');
	});

	test('an answer that is not JSON fails the item by default', () => {
		let error: unknown;
		try {
			answerToJson(node, { output: 'Two speakers.', usage }, { ...meta, format: 'json' });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe("The model's answer is not valid JSON [item 3]");
		expect((error as NodeOperationError).description).toMatch(/Answer begins: "Two speakers\."/);
	});

	test('missing usage is null in the item, with its note next to it', () => {
		const json = answerToJson(node, { output: 'Hello', usage: null, usageNote: "fal's answer did not include token usage" }, meta);
		expect(json).toEqual({
			output: 'Hello',
			usage: null,
			usageNote: "fal's answer did not include token usage",
			model: 'google/gemini-2.5-flash',
			requestId: 'req-1',
		});
		expect(Object.keys(json)).toEqual(['output', 'usage', 'usageNote', 'model', 'requestId']);
	});

	test('or keeps the raw text when the user chose so', () => {
		const json = answerToJson(node, { output: 'Two speakers.', usage }, { ...meta, format: 'json', invalidJson: 'keepRaw' });
		expect(json).toMatchObject({ output: 'Two speakers.', data: null });
		expect(json.jsonError).toMatch(/JSON/);
	});
});

describe('answerToJson: an answer cut off at Max Tokens', () => {
	const atLimit = { ...usage, completion_tokens: 50 };
	const limit = (maxTokens?: number) => tokenLimit(atLimit, maxTokens);
	const NOTE = 'The answer was cut off at the Max Tokens limit of 50: it is incomplete. Raise "Max Tokens" under Options (or leave it unset) and run the item again.';
	const thrown = (fn: () => unknown): NodeOperationError => {
		try {
			fn();
		} catch (error) {
			return error as NodeOperationError;
		}
		throw new Error('expected an error');
	};

	test('text: completion_tokens >= max_tokens marks the item truncated, with a note', () => {
		for (const maxTokens of [50, 49]) {
			const json = answerToJson(node, { output: 'Half a summ', usage: atLimit }, { ...meta, tokenLimit: limit(maxTokens) });
			expect(json).toMatchObject({ output: 'Half a summ', truncated: true });
			expect(Object.keys(json)).toEqual(['output', 'usage', 'model', 'requestId', 'truncated', 'truncatedNote']);
		}
		expect(answerToJson(node, { output: 'Half', usage: atLimit }, { ...meta, tokenLimit: limit(50) }).truncatedNote).toBe(NOTE);
	});

	test('text: below the limit, without Max Tokens, without usage, or without a token limit given: no mark', () => {
		for (const tokenLimitGiven of [limit(51), limit(undefined), tokenLimit(null, 50), tokenLimit({ ...atLimit, completion_tokens: null }, 50), undefined]) {
			expect(answerToJson(node, { output: 'Whole.', usage: atLimit }, { ...meta, tokenLimit: tokenLimitGiven })).not.toHaveProperty('truncated');
		}
	});

	test('JSON that does not parse: the error says it was cut off at the limit and carries the whole answer', () => {
		const output = '{"speakers": ["Ana", "B';
		const error = thrown(() => answerToJson(node, { output, usage: atLimit }, { ...meta, format: 'json', tokenLimit: limit(50) }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe("The model's answer was cut off at the Max Tokens limit of 50, so it is not valid JSON [item 3]");
		expect(error.description).toContain(`Answer begins: "${output}"`);
		expect(error.description).toContain('Request req-1 was paid for.');
		expect(error.description).toContain('Raise "Max Tokens" under Options (or leave it unset)');
		expect(error.context).toMatchObject({ rawAnswer: output, usage: atLimit, itemIndex: 3 });
	});

	test('JSON that does not parse, kept raw: jsonError says it was cut off, the item is marked', () => {
		const json = answerToJson(node, { output: '[1, 2', usage: atLimit }, { ...meta, format: 'json', invalidJson: 'keepRaw', tokenLimit: limit(50) });
		expect(json).toMatchObject({ data: null, truncated: true, truncatedNote: NOTE });
		expect(json.jsonError).toMatch(/^the answer was cut off at the Max Tokens limit of 50 \(.+\)$/);
	});

	test('JSON that parses is whole: never marked, even at the limit', () => {
		const json = answerToJson(node, { output: '{"speakers": 2}', usage: atLimit }, { ...meta, format: 'json', tokenLimit: limit(50) });
		expect(json).toEqual({ output: '{"speakers": 2}', usage: atLimit, model: meta.model, requestId: 'req-1', data: { speakers: 2 } });
	});

	test('JSON that does not parse below the limit fails as before, with the whole answer in the error', () => {
		const error = thrown(() => answerToJson(node, { output: 'Two.', usage }, { ...meta, format: 'json', tokenLimit: limit(500) }));
		expect(error.message).toBe("The model's answer is not valid JSON [item 3]");
		expect(error.context.rawAnswer).toBe('Two.');
	});
});

test('the emulator knows a JSON request by the start of JSON_INSTRUCTION, which it duplicates', () => {
	expect(JSON_INSTRUCTION.startsWith(JSON_MARKER)).toBe(true);
});
