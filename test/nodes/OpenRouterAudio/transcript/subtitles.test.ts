import type { Segment } from '../../../../nodes/OpenRouterAudio/transcript/segments';
import { toSrt, toVtt } from '../../../../nodes/OpenRouterAudio/transcript/subtitles';

const segments: Segment[] = [
	{ start: 0, end: 2.5, speaker: 'Speaker 1', text: 'Hello.' },
	{ start: 62.345, end: 64, text: 'First line\nsecond line' },
	{ start: 3725.0004, end: 3726.9996, speaker: 'Speaker 2', text: 'Late.' },
];

describe('toSrt', () => {
	test('numbered cues, comma times, speaker prefix, blank line between cues, final newline', () => {
		expect(toSrt(segments)).toBe(
			'1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Hello.\n\n' +
				'2\n00:01:02,345 --> 00:01:04,000\nFirst line\nsecond line\n\n' +
				'3\n01:02:05,000 --> 01:02:07,000\nSpeaker 2: Late.\n',
		);
	});

	test('blank lines inside a cue are removed, since they would end the cue', () => {
		expect(toSrt([{ start: 1, end: 2, text: 'a\n\n\nb\r\n  \r\nc' }])).toBe('1\n00:00:01,000 --> 00:00:02,000\na\nb\nc\n');
	});

	test('"-->" never appears in cue text', () => {
		const srt = toSrt([{ start: 1, end: 2, speaker: 'A-->B', text: 'x --> y' }]);
		expect(srt).toBe('1\n00:00:01,000 --> 00:00:02,000\nA->B: x -> y\n');
	});

	test('cues without text are skipped and numbering stays consecutive', () => {
		const srt = toSrt([
			{ start: 0, end: 1, text: 'a' },
			{ start: 1, end: 2, text: ' \n ' },
			{ start: 2, end: 3, text: 'c' },
		]);
		expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,000\na\n\n2\n00:00:02,000 --> 00:00:03,000\nc\n');
	});

	test('no segments: an empty file', () => {
		expect(toSrt([])).toBe('');
	});
});

describe('toVtt', () => {
	test('header, dot times, voice tags, final newline', () => {
		expect(toVtt(segments)).toBe(
			'WEBVTT\n\n' +
				'00:00:00.000 --> 00:00:02.500\n<v Speaker 1>Hello.\n\n' +
				'00:01:02.345 --> 00:01:04.000\nFirst line\nsecond line\n\n' +
				'01:02:05.000 --> 01:02:07.000\n<v Speaker 2>Late.\n',
		);
	});

	test('escapes &, < and > in text and voice names, so "-->" cannot appear', () => {
		expect(toVtt([{ start: 0, end: 1, speaker: 'R&D <lead>', text: 'a < b && c --> d' }])).toBe(
			'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v R&amp;D &lt;lead&gt;>a &lt; b &amp;&amp; c --&gt; d\n',
		);
	});

	test('no segments: just the header', () => {
		expect(toVtt([])).toBe('WEBVTT\n');
	});

	test('hours beyond 99', () => {
		expect(toVtt([{ start: 360000, end: 360001.5, text: 'x' }])).toContain('100:00:00.000 --> 100:00:01.500\n');
	});
});
