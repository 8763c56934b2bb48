// Text documents of an answer: a segmented transcript or, for the Text output, the plain answer.
import type { Transcript } from './segments';
import { formatClock } from './timecode';

export type TranscriptOrText = Transcript | string;

export interface AnswerMeta {
	model: string;
	requestId: string;
	/** null when fal's answer carried no token usage. */
	usage: object | null;
	/** Set when the answer was cut off: says so, and what was kept (answer/truncation.ts). */
	truncatedNote?: string;
}

const isTranscript = (input: TranscriptOrText): input is Transcript => typeof input !== 'string';

const withFinalNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

/** Plain text: the transcript's joined text (speaker turns as "Speaker 1: ..." lines), or the answer. */
export function toTxt(input: TranscriptOrText): string {
	return withFinalNewline(isTranscript(input) ? input.text : input.trim());
}

// Characters that would turn spoken words into Markdown formatting.
const escapeMarkdown = (text: string) => text.replace(/([\\`*_[\]<>])/g, '\\$1').replace(/^(\s*)([#>+-]|\d+\.)(\s)/gm, '$1\\$2$3');

/**
 * Markdown: the input file's name as title ("Transcript" without one; a plain answer may be a summary,
 * so the title names the source, not the content), a quoted "Truncated" note when the answer was cut off,
 * then one paragraph per segment starting with its time in code style and the speaker in bold. Plain
 * answers are kept as written (often Markdown already).
 */
export function toMarkdown(input: TranscriptOrText, fileName?: string, truncatedNote?: string): string {
	const name = fileName?.trim();
	const heading = `# ${name ? escapeMarkdown(name) : 'Transcript'}`;
	const title = truncatedNote === undefined ? heading : `${heading}\n\n> **Truncated:** ${escapeMarkdown(truncatedNote)}`;
	if (!isTranscript(input)) return withFinalNewline(`${title}\n\n${input.trim()}`);
	const paragraphs = input.segments.map((segment) => {
		const speaker = segment.speaker === undefined ? '' : `**${escapeMarkdown(segment.speaker)}:** `;
		const text = escapeMarkdown(segment.text).replace(/\n/g, '  \n');
		return `\`${formatClock(segment.start)}\` ${speaker}${text}`;
	});
	return withFinalNewline([title, ...paragraphs].join('\n\n'));
}

/** Pretty JSON of the transcript with the answer's model, request ID and usage (and, when cut off, `truncated`). */
export function toJson(input: TranscriptOrText, meta: AnswerMeta): string {
	const { model, requestId, usage, truncatedNote } = meta;
	const cut = truncatedNote === undefined ? {} : { truncated: true, truncatedNote };
	const body = isTranscript(input)
		? { text: input.text, segments: input.segments, speakers: input.speakers, model, requestId, usage, ...cut }
		: { text: input, model, requestId, usage, ...cut };
	return `${JSON.stringify(body, null, 2)}\n`;
}
