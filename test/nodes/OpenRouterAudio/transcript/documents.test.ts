import { toJson, toMarkdown, toTxt } from '../../../../nodes/OpenRouterAudio/transcript/documents';
import type { Transcript } from '../../../../nodes/OpenRouterAudio/transcript/segments';

const transcript: Transcript = {
	segments: [
		{ start: 0, end: 2, speaker: 'Speaker 1', text: 'Hello *there*.' },
		{ start: 3725.4, end: 3727, speaker: 'Speaker 2', text: '# not a heading\nsecond line' },
	],
	text: 'Speaker 1: Hello *there*.\nSpeaker 2: # not a heading second line',
	speakers: ['Speaker 1', 'Speaker 2'],
};
const meta = { model: 'google/gemini-2.5-flash', requestId: 'req-1', usage: { total_tokens: 10, cost: 0.0001 } };

describe('toTxt', () => {
	test('a transcript is its joined text, with a final newline', () => {
		expect(toTxt(transcript)).toBe(`${transcript.text}\n`);
	});

	test('a plain answer is trimmed and ends with one newline', () => {
		expect(toTxt('  Hello.\n\n')).toBe('Hello.\n');
		expect(toTxt('')).toBe('');
	});
});

describe('toMarkdown', () => {
	test('title from the file name, a time and a bold speaker per segment, Markdown escaped', () => {
		expect(toMarkdown(transcript, 'meeting_notes.mp3')).toBe(
			'# meeting\\_notes.mp3\n\n' +
				'`0:00` **Speaker 1:** Hello \\*there\\*.\n\n' +
				'`1:02:05` **Speaker 2:** \\# not a heading  \nsecond line\n',
		);
	});

	test('a plain answer keeps its own Markdown; without a file name the title is "Transcript"', () => {
		expect(toMarkdown('- point one\n- point two')).toBe('# Transcript\n\n- point one\n- point two\n');
	});

	test('a cut-off answer says so in a quoted note under the title', () => {
		const note = 'The answer was cut off at the Max Tokens limit of 40: only its 1 complete segment is kept. Raise "Max Tokens".';
		expect(toMarkdown({ ...transcript, segments: transcript.segments.slice(0, 1) }, 'a.mp3', note)).toBe(
			`# a.mp3\n\n> **Truncated:** ${note}\n\n\`0:00\` **Speaker 1:** Hello \\*there\\*.\n`,
		);
		expect(toMarkdown('Half a summ', undefined, 'Cut *off*.')).toBe('# Transcript\n\n> **Truncated:** Cut \\*off\\*.\n\nHalf a summ\n');
	});
});

describe('toJson', () => {
	test('pretty JSON of text, segments, speakers, model, request ID and usage', () => {
		const text = toJson(transcript, meta);
		expect(text.endsWith('}\n')).toBe(true);
		expect(text).toContain('\n  "text": ');
		expect(JSON.parse(text)).toEqual({ ...transcript, ...meta });
		expect(Object.keys(JSON.parse(text))).toEqual(['text', 'segments', 'speakers', 'model', 'requestId', 'usage']);
	});

	test('a plain answer has no segments or speakers', () => {
		expect(JSON.parse(toJson('Hi.', meta))).toEqual({ text: 'Hi.', ...meta });
	});

	test('a cut-off answer ends with truncated and its note', () => {
		const text = toJson(transcript, { ...meta, truncatedNote: 'Cut off.' });
		expect(Object.keys(JSON.parse(text))).toEqual(['text', 'segments', 'speakers', 'model', 'requestId', 'usage', 'truncated', 'truncatedNote']);
		expect(JSON.parse(text)).toMatchObject({ truncated: true, truncatedNote: 'Cut off.' });
		expect(JSON.parse(toJson('Half', { ...meta, truncatedNote: 'Cut off.' }))).toEqual({ text: 'Half', ...meta, truncated: true, truncatedNote: 'Cut off.' });
	});
});
