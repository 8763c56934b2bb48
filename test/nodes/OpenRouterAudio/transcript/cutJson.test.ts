import { scanCutJson, type CutScan } from '../../../../nodes/OpenRouterAudio/transcript/cutJson';

const LIST_KEYS = ['segments', 'transcript', 'utterances', 'results'];
const scan = (text: string): CutScan => scanCutJson(text, LIST_KEYS);
const kept = (text: string) => {
	const result = scan(text);
	if (!result.cut) throw new Error(`expected a cut-off answer: ${text}`);
	return result.list;
};

const A = '{"start":"00:00.000","end":"00:01.000","text":"A \\"quoted\\" \\\\ word \\u00e9"}';
const B = '{"start":1,"end":2.5e0,"speaker":"Speaker 2","text":"B","words":[{"w":"B","conf":null}]}';

describe('scanCutJson: every beginning of a valid answer is a cut-off one', () => {
	const whole = `{"segments":[${A},${B}],"language":"en","done":true}`;

	test('cut at any character, the kept part is the segments complete at that point, as valid JSON', () => {
		const endOfA = whole.indexOf(A) + A.length;
		const endOfB = whole.indexOf(B) + B.length;
		const endOfList = endOfB + 1;
		for (let length = 1; length < whole.length; length++) {
			const result = scan(whole.slice(0, length));
			expect(result.cut).toBe(true);
			if (!result.cut) continue;
			const expected = length >= endOfList ? 2 : length >= endOfB ? 2 : length >= endOfA ? 1 : 0;
			expect(result.list?.complete ?? 0).toBe(expected);
			if (result.list) {
				const value = JSON.parse(result.list.json) as { segments: unknown[] };
				expect(value.segments).toHaveLength(expected);
				expect(result.list.closed).toBe(length >= endOfList);
			}
		}
	});

	test('the whole answer is not cut off', () => {
		expect(scan(whole)).toEqual({ cut: false });
	});
});

describe('scanCutJson: where an answer may be cut', () => {
	test('in a string', () => {
		expect(kept(`{"segments":[${A},{"start":2,"text":"Thanks & b`)).toMatchObject({ complete: 1, json: `{"segments":[${A}]}` });
	});

	test('right after a backslash, and inside a \\u escape', () => {
		expect(kept(`{"segments":[${A},{"text":"He said \\`)?.complete).toBe(1);
		expect(kept(`{"segments":[${A},{"text":"caf\\u00`)?.complete).toBe(1);
		// A quote escaped at the end does not end the string.
		expect(kept(`{"segments":[${A},{"text":"\\"`)?.complete).toBe(1);
	});

	test('between segments: after a segment, after its comma, after the next brace', () => {
		for (const tail of ['', ',', ', ', ',\n  {', ',{"']) expect(kept(`{"segments":[${A}${tail}`)).toMatchObject({ complete: 1, closed: false });
	});

	test('inside a nested object or list of a segment: that segment is not complete', () => {
		expect(kept(`{"segments":[${A},{"start":1,"text":"B","words":[{"w":"B","conf":0.9}`)?.complete).toBe(1);
		expect(kept(`{"segments":[${A},{"start":1,"meta":{"a":{"b":[1,2`)?.complete).toBe(1);
	});

	test('in the middle of a number or a literal', () => {
		for (const value of ['1', '12.', '12.5e', '12.5e-', '-', '-0', 'nu', 'tr', 'fals']) {
			expect(kept(`{"segments":[${A},{"start":${value}`)?.complete).toBe(1);
		}
	});

	test('after a code fence that was never closed', () => {
		expect(kept('```json\n' + `{"segments":[${A},{"start":"00:0`)).toMatchObject({ complete: 1, json: `{"segments":[${A}]}` });
		expect(kept('Here is the transcript:\n```\n' + `[${A},${B},{"te`)).toMatchObject({ complete: 2, json: `[${A},${B}]` });
	});

	test('before the list is closed, and before it even began', () => {
		expect(kept(`{"segments":[${A},${B}`)).toMatchObject({ complete: 2, closed: false, endsAfterList: false });
		// Nothing to keep yet: cut off all the same.
		for (const text of ['{', '{"segm', '{"segments"', '{"segments":', '{"segments" : ', '{"segments":[', '[', '[{"start":0']) {
			expect(kept(text)).toBeUndefined();
		}
	});

	test('after the list closed: every segment is kept, and whether more than brackets is missing', () => {
		expect(kept(`{"segments":[${A}]`)).toMatchObject({ complete: 1, closed: true, endsAfterList: true, json: `{"segments":[${A}]}` });
		expect(kept(`{"segments":[${A}],"language":"e`)).toMatchObject({ complete: 1, closed: true, endsAfterList: false, json: `{"segments":[${A}]}` });
	});

	test('the list is the outermost array, or the first array under a list key of the outermost object', () => {
		expect(kept(`{"language":"en","utterances":[${A},{"st`)).toMatchObject({ complete: 1, json: `{"language":"en","utterances":[${A}]}` });
		// An array under another key, or deeper, is not the list.
		expect(kept(`{"speakers":["A","B"],"meta":{"segments":[${A}`)).toBeUndefined();
		expect(kept(`{"speakers":["A","B"],"segments":[${A},{`)?.complete).toBe(1);
	});
});

describe('scanCutJson: what is not a cut-off answer', () => {
	test.each([
		['prose', 'Sure! The speaker says hello.'],
		['prose with a bracket first', 'Sure [laughs]: {"segments":['],
		['a missing comma', `{"segments":[${A} ${B}`],
		['a comma before a closing bracket', `{"segments":[${A},]}`],
		['a bracket that does not match', `{"segments":[${A}}`],
		['an unquoted key', '{segments:['],
		['a bad escape', '{"segments":[{"text":"\\x'],
		['a raw line break inside a string', '{"segments":[{"text":"line\nnext'],
		['a bad number', '{"segments":[{"start":01'],
		['a bad literal', '{"segments":[{"start":nope'],
		['capitalized literal', '{"segments":[{"end":True'],
		['single quotes', "{'segments':["],
	])('%s', (_, text) => {
		expect(scan(text)).toEqual({ cut: false });
	});

	test('JSON that closes before the answer ends, whatever follows it', () => {
		expect(scan(`{"segments":[${A}]} Hope this helps [end]`)).toEqual({ cut: false });
		expect(scan(`{"segments":[${A}]}\n\`\`\`\nNote: {"cut`)).toEqual({ cut: false });
		expect(scan(`[${A}] and then {"segments":[`)).toEqual({ cut: false });
	});
});
