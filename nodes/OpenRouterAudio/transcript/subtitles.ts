// SRT and WebVTT from normalized segments. Both formats end a cue at the first blank line, so text
// lines are never blank; "-->" would be read as a timing line and never appears in cue text.
import type { Segment } from './segments';
import { formatSrtTime, formatVttTime } from './timecode';

function cueLines(text: string): string[] {
	return text
		.replace(/\r\n?/g, '\n')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '');
}

/**
 * SubRip: cues numbered from 1, `00:01:02,345 --> 00:01:04,000`, then the text. A speaker is written
 * as a "Speaker 1: " prefix on the cue's first line (SRT has no voice markup; players show it as is).
 * Lines end with "\n"; the file ends with one.
 */
export function toSrt(segments: readonly Segment[]): string {
	const cues: string[] = [];
	for (const segment of segments) {
		const lines = cueLines(segment.text).map((line) => line.replace(/-->/g, '->'));
		if (lines.length === 0) continue;
		if (segment.speaker !== undefined) lines[0] = `${segment.speaker.replace(/-->/g, '->')}: ${lines[0]}`;
		cues.push(`${cues.length + 1}\n${formatSrtTime(segment.start)} --> ${formatSrtTime(segment.end)}\n${lines.join('\n')}\n`);
	}
	return cues.join('\n');
}

// WebVTT cue text is HTML-like: these three must be escaped (which also rules out "-->").
const escapeVtt = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * WebVTT: the `WEBVTT` header, `00:01:02.345 --> 00:01:04.000`, and a `<v Speaker 1>` voice tag
 * for speakers (players style and announce it). Cues carry no numbers; the file ends with "\n".
 */
export function toVtt(segments: readonly Segment[]): string {
	const cues: string[] = [];
	for (const segment of segments) {
		const lines = cueLines(segment.text).map(escapeVtt);
		if (lines.length === 0) continue;
		if (segment.speaker !== undefined) lines[0] = `<v ${escapeVtt(segment.speaker)}>${lines[0]}`;
		cues.push(`${formatVttTime(segment.start)} --> ${formatVttTime(segment.end)}\n${lines.join('\n')}\n`);
	}
	return ['WEBVTT\n', ...cues].join('\n');
}
