import {
	SEGMENTS_INSTRUCTION,
	SEGMENTS_MARKER,
	joinSegments,
	normalizeSegments,
	type Transcript,
} from '../../../../nodes/OpenRouterAudio/transcript/segments';
import { SEGMENTS_MARKER as EMULATOR_MARKER } from '../../../tools/emulator';

const ok = (answer: string): Transcript => {
	const result = normalizeSegments(answer);
	if (!result.ok) throw new Error(`expected segments, got: ${result.reason}`);
	return result.transcript;
};
const failure = (answer: string) => {
	const result = normalizeSegments(answer);
	if (result.ok) throw new Error('expected a failure');
	return result;
};
const json = (value: unknown) => JSON.stringify(value);

describe('SEGMENTS_INSTRUCTION', () => {
	test('contains the marker the emulator keys on, and the exact JSON shape', () => {
		expect(SEGMENTS_INSTRUCTION.startsWith(SEGMENTS_MARKER)).toBe(true);
		expect(SEGMENTS_INSTRUCTION).toContain('{"segments":[{"start":"mm:ss.mmm","end":"mm:ss.mmm","speaker":"Speaker 1","text":"..."}]}');
	});

	test('the emulator duplicates the same marker', () => {
		expect(EMULATOR_MARKER).toBe(SEGMENTS_MARKER);
	});
});

describe('normalizeSegments', () => {
	test('reads the asked shape into seconds, text and speakers', () => {
		const transcript = ok(
			json({
				segments: [
					{ start: '00:00.000', end: '00:02.500', speaker: 'Speaker 1', text: 'Hello.' },
					{ start: '00:02.500', end: '00:04.000', speaker: 'Speaker 2', text: 'Hi there.' },
					{ start: '00:04.000', end: '00:06.000', speaker: 'Speaker 2', text: 'How are you?' },
					{ start: '00:06.000', end: '00:07.000', speaker: 'Speaker 1', text: 'Fine.' },
				],
			}),
		);
		expect(transcript.segments).toEqual([
			{ start: 0, end: 2.5, speaker: 'Speaker 1', text: 'Hello.' },
			{ start: 2.5, end: 4, speaker: 'Speaker 2', text: 'Hi there.' },
			{ start: 4, end: 6, speaker: 'Speaker 2', text: 'How are you?' },
			{ start: 6, end: 7, speaker: 'Speaker 1', text: 'Fine.' },
		]);
		// Consecutive segments of one speaker form one turn.
		expect(transcript.text).toBe('Speaker 1: Hello.\nSpeaker 2: Hi there. How are you?\nSpeaker 1: Fine.');
		expect(transcript.speakers).toEqual(['Speaker 1', 'Speaker 2']);
	});

	test('without speakers the text is one paragraph and no speaker key is set', () => {
		const transcript = ok(json([{ start: 0, end: 1, text: 'One.' }, { start: 1, end: 2, text: 'Two.' }]));
		expect(transcript.text).toBe('One. Two.');
		expect(transcript.speakers).toEqual([]);
		expect(transcript.segments[0]).not.toHaveProperty('speaker');
	});

	test('code fences and prose around the JSON', () => {
		const body = json({ segments: [{ start: 1, end: 2, text: 'a' }] });
		expect(ok('```json\n' + body + '\n```').segments).toHaveLength(1);
		expect(ok('Here is the transcript:\n```\n' + body + '\n```\nHope it helps.').segments).toHaveLength(1);
		expect(ok('Sure! ' + body + ' Done.').segments).toHaveLength(1);
	});

	test('alternative key names models use', () => {
		const transcript = ok(
			json({
				segments: [
					{ start_time: '0:01', end_time: '0:02', speaker_label: 'A', transcript: 'one' },
					{ begin: 3, endTime: '00:00:04,500', speakerLabel: 'B', content: 'two' },
					{ startTime: '5', stop: '6', speaker: 3, utterance: 'three' },
				],
			}),
		);
		expect(transcript.segments).toEqual([
			{ start: 1, end: 2, speaker: 'A', text: 'one' },
			{ start: 3, end: 4.5, speaker: 'B', text: 'two' },
			{ start: 5, end: 6, speaker: 'Speaker 3', text: 'three' },
		]);
	});

	test('other list keys: utterances', () => {
		expect(ok(json({ utterances: [{ start: 0, end: 1, text: 'x' }] })).segments).toHaveLength(1);
	});

	test('unsorted segments are sorted by start; equal starts keep their order', () => {
		const transcript = ok(
			json([
				{ start: 10, end: 12, text: 'c' },
				{ start: 0, end: 2, text: 'a' },
				{ start: 5, end: 6, text: 'b1' },
				{ start: 5, end: 6, text: 'b2' },
			]),
		);
		expect(transcript.segments.map((s) => s.text)).toEqual(['a', 'b1', 'b2', 'c']);
		// b1 overlaps b2 (same start): clipped to zero length rather than overlapping.
		expect(transcript.segments[1]).toMatchObject({ start: 5, end: 5 });
	});

	test('a missing end is the next start; the last one is its own start', () => {
		const transcript = ok(json([{ start: 0, text: 'a' }, { start: 4, end: null, text: 'b' }, { start: 9, text: 'c' }]));
		expect(transcript.segments.map((s) => [s.start, s.end])).toEqual([
			[0, 4],
			[4, 9],
			[9, 9],
		]);
	});

	test('overlaps are clipped to the next start, gaps are kept, an end before its start becomes the start', () => {
		const transcript = ok(
			json([
				{ start: 0, end: 5, text: 'overlaps' },
				{ start: 3, end: 4, text: 'gap after' },
				{ start: 8, end: 7, text: 'backwards' },
			]),
		);
		expect(transcript.segments.map((s) => [s.start, s.end])).toEqual([
			[0, 3],
			[3, 4],
			[8, 8],
		]);
	});

	test('segments without text are dropped, even with unusable times; line breaks kept, blank lines gone', () => {
		const transcript = ok(
			json([
				{ start: 0, end: 1, text: '   ' },
				{ start: 'garbage', text: '' },
				{ start: 1, end: 2 },
				{ start: 2, end: 3, text: ' first line \r\n\r\n second line ' },
			]),
		);
		expect(transcript.segments).toEqual([{ start: 2, end: 3, text: 'first line\nsecond line' }]);
		expect(transcript.text).toBe('first line second line');
	});

	test('an empty list is a valid empty transcript (silence)', () => {
		expect(ok('{"segments":[]}')).toEqual({ segments: [], text: '', speakers: [] });
	});

	test('speakers are listed in order of first appearance, segments without one have no prefix', () => {
		const transcript = ok(
			json([
				{ start: 0, end: 1, speaker: 'Bob', text: 'x' },
				{ start: 1, end: 2, text: 'music' },
				{ start: 2, end: 3, speaker: 'Alice', text: 'y' },
				{ start: 3, end: 4, speaker: 'Bob', text: 'z' },
			]),
		);
		expect(transcript.speakers).toEqual(['Bob', 'Alice']);
		expect(transcript.text).toBe('Bob: x\nmusic\nAlice: y\nBob: z');
	});

	test.each([
		['Sorry, I cannot transcribe this audio.', /not JSON/],
		['{"segments": [{"start": 0, "text": "cut off', /^the answer ends before its first complete segment$/],
		['{"text":"no list here"}', /no "segments" list/],
		['"just a string"', /no "segments" list/],
		['{"segments":["a line"]}', /segment 1 is not an object/],
		['{"segments":[{"start":0,"text":"a"},{"text":"b"}]}', /segment 2 has no usable start time: it is missing/],
		['{"segments":[{"start":"soon","text":"a"}]}', /segment 1 has no usable start time: "soon" is not a time/],
		['{"segments":[{"start":1,"end":"later","text":"a"}]}', /segment 1 has an unusable end time/],
	])('refuses %p with a reason', (answer, expected) => {
		expect(failure(answer).reason).toMatch(expected);
	});

	test('the failure carries a short, one-line excerpt of the answer', () => {
		const answer = `I heard:\n${'blah '.repeat(200)}`;
		const { excerpt } = failure(answer);
		expect(excerpt.startsWith('I heard: blah blah')).toBe(true);
		expect(excerpt).not.toContain('\n');
		expect(excerpt.length).toBe(201);
		expect(excerpt.endsWith('…')).toBe(true);
		expect(failure('nope').excerpt).toBe('nope');
	});

	test('a huge answer of 5000 segments, reversed and without ends, comes out complete and in order', () => {
		const raw = Array.from({ length: 5000 }, (_, i) => ({
			start: `${Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}.250`,
			speaker: `Speaker ${(i % 3) + 1}`,
			text: `Sentence ${i}.`,
		})).reverse();
		const transcript = ok(json({ segments: raw }));
		expect(transcript.segments).toHaveLength(5000);
		expect(transcript.segments[0]).toEqual({ start: 0.25, end: 1.25, speaker: 'Speaker 1', text: 'Sentence 0.' });
		expect(transcript.segments[4999]).toEqual({ start: 4999.25, end: 4999.25, speaker: 'Speaker 2', text: 'Sentence 4999.' });
		expect(transcript.speakers).toEqual(['Speaker 1', 'Speaker 2', 'Speaker 3']);
		expect(transcript.text.split('\n')).toHaveLength(5000);
		expect(transcript.text.split('\n')[4999]).toBe('Speaker 2: Sentence 4999.');
	});
});

describe('normalizeSegments: an answer cut off mid-way keeps its complete segments', () => {
	const S1 = '{"start":"00:00.000","end":"00:02.500","speaker":"Speaker 1","text":"Hello, \\"you\\"."}';
	const S2 = '{"start":"00:02.500","end":"00:05.000","speaker":"Speaker 2","text":"Hi."}';
	const TWO = [
		{ start: 0, end: 2.5, speaker: 'Speaker 1', text: 'Hello, "you".' },
		{ start: 2.5, end: 5, speaker: 'Speaker 2', text: 'Hi.' },
	];
	const cut = (answer: string) => {
		const result = normalizeSegments(answer);
		if (!result.ok) throw new Error(`expected segments, got: ${result.reason}`);
		expect(result.cutOff).toBe('midway');
		return result.transcript;
	};

	test.each([
		['in a string', `{"segments":[${S1},${S2},{"start":"00:05.000","text":"Thanks & b`],
		['right after an escape', `{"segments":[${S1},${S2},{"start":"00:05.000","text":"She said \\`],
		['between segments', `{"segments":[${S1},${S2},`],
		['inside a nested object', `{"segments":[${S1},${S2},{"start":5,"text":"x","words":[{"w":"x","at":{"s":5`],
		['in the middle of a number', `{"segments":[${S1},${S2},{"start":5.2`],
		['after a code fence that was never closed', '```json\n' + `{"segments":[${S1},${S2},{"start":"00:0`],
		['with the list not yet closed', `{"segments":[${S1},${S2}`],
		['after the list, in a later key', `{"segments":[${S1},${S2}],"language":"e`],
	])('cut %s', (_, answer) => {
		const transcript = cut(answer);
		expect(transcript.segments).toEqual(TWO);
		expect(transcript.text).toBe('Speaker 1: Hello, "you".\nSpeaker 2: Hi.');
		expect(transcript.speakers).toEqual(['Speaker 1', 'Speaker 2']);
	});

	test('kept segments are normalized as usual: sorted, ends filled and clipped, textless ones dropped', () => {
		const transcript = cut('[{"start":4,"text":"b"},{"start":0,"end":9,"text":"a"},{"start":6,"text":" "},{"start":7,"text":"c');
		expect(transcript.segments).toEqual([
			{ start: 0, end: 4, text: 'a' },
			{ start: 4, end: 4, text: 'b' },
		]);
	});

	test('a complete segment that cannot be read still fails, saying the answer was cut off', () => {
		const result = normalizeSegments(`{"segments":[${S1},{"start":"soon","text":"a"},{"te`);
		expect(result).toMatchObject({ ok: false, cutOff: 'midway', reason: expect.stringMatching(/^segment 2 has no usable start time: "soon" is not a time/) });
	});

	test.each([
		['inside the first segment', `{"segments":[{"start":"00:00.000","text":"Hel`],
		['with the list just opened', '{"segments":['],
		['inside the list key', '{"segm'],
		['before the list', '```json\n{'],
	])('cut %s: no segment is complete', (_, answer) => {
		expect(normalizeSegments(answer)).toEqual({
			ok: false,
			reason: 'the answer ends before its first complete segment',
			excerpt: answer.replace(/\s+/g, ' '),
			cutOff: 'beforeFirstSegment',
		});
	});

	test('at the token limit, an answer that is not JSON at all was cut off too', () => {
		expect(normalizeSegments('Sure! Here is', true)).toMatchObject({ ok: false, cutOff: 'midway', reason: expect.stringMatching(/^the answer is not JSON/) });
		expect(normalizeSegments('Sure! Here is')).not.toHaveProperty('cutOff');
	});

	describe('no false alarms: complete answers are not cut off', () => {
		test.each([
			['whole JSON', `{"segments":[${S1},${S2}]}`],
			['a bare list', `[${S1},${S2}]`],
			['text after the JSON', `{"segments":[${S1},${S2}]}\nHope this helps!`],
			['a closed code fence', '```json\n' + `{"segments":[${S1},${S2}]}` + '\n```'],
			['a whole list without the closing brace after it', `{"segments":[${S1},${S2}]\n`],
		])('%s', (_, answer) => {
			for (const atTokenLimit of [false, true]) {
				const result = normalizeSegments(answer, atTokenLimit);
				expect(result).toEqual({ ok: true, transcript: expect.objectContaining({ segments: TWO }) });
			}
		});

		test.each([
			['JSON followed by text with brackets', `{"segments":[${S1}]} [end]`],
			['malformed JSON', `{"segments":[${S1} ${S2}`],
			['a mismatched bracket', `{"segments":[${S1}}`],
		])('%s is not JSON, not a cut-off answer', (_, answer) => {
			const result = normalizeSegments(answer);
			expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^the answer is not JSON/) });
			expect(result).not.toHaveProperty('cutOff');
		});

		test('valid JSON is never read as cut off, even at the token limit', () => {
			expect(normalizeSegments('{"text":"no list here"}', true)).toEqual({ ok: false, reason: 'the JSON has no "segments" list', excerpt: '{"text":"no list here"}' });
		});
	});

	test('a cut-off answer of 5000 segments keeps the 4999 complete ones', () => {
		const many = Array.from({ length: 5000 }, (_, i) => ({ start: i, end: i + 1, text: `Line ${i}.` }));
		const whole = JSON.stringify({ segments: many });
		const transcript = cut(whole.slice(0, whole.length - 8));
		expect(transcript.segments).toHaveLength(4999);
		expect(transcript.segments[4998]).toEqual({ start: 4998, end: 4999, text: 'Line 4998.' });
	});
});

describe('joinSegments', () => {
	test('merges line breaks inside a segment into spaces', () => {
		expect(joinSegments([{ start: 0, end: 1, speaker: 'A', text: 'a\nb' }])).toBe('A: a b');
	});
});
