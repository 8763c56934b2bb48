// The "Segments" output: the JSON shape asked of the model, and turning whatever comes back into
// sorted, non-overlapping segments. Models follow a shape loosely (fences, other key names, mixed time
// styles), so reading is lenient; an answer that still has no usable segments is a typed failure. An
// answer that ends inside its JSON (cut off at a token limit) keeps its complete segments.
import { excerpt, unfence } from '../lib/text';
import { scanCutJson } from './cutJson';
import { parseTimecode } from './timecode';

export interface Segment {
	/** Seconds from the start of the audio. */
	start: number;
	end: number;
	speaker?: string;
	text: string;
}

export interface Transcript {
	segments: Segment[];
	/** The segments joined: speaker turns as "Speaker 1: ..." lines, or one paragraph without speakers. */
	text: string;
	/** Distinct speaker labels in order of first appearance. */
	speakers: string[];
}

/**
 * How an answer that is not whole JSON but a beginning of it was read: `midway` when complete segments
 * were kept (or the list closed before the cut), `beforeFirstSegment` when the answer ends before any.
 */
export type CutOff = 'midway' | 'beforeFirstSegment';

export type SegmentsResult =
	/** `cutOff` is set when the answer ends inside its JSON: the transcript holds its complete segments. */
	| { ok: true; transcript: Transcript; cutOff?: 'midway' }
	/** `cutOff` is set when the answer ends inside its JSON; `reason` then says what else is wrong, if anything. */
	| { ok: false; reason: string; excerpt: string; cutOff?: CutOff };

/**
 * The opening both Segments instructions share, word for word: what the node sent (fal's request history, a
 * log) shows a Segments request by it, so it changes only on purpose.
 */
export const SEGMENTS_MARKER = 'Answer with JSON only, in this shape: {"segments":';

/** Appended to the user's prompt for the Segments output with Speaker Labels on (shown in docs/transcripts.md). */
export const SEGMENTS_INSTRUCTION =
	`${SEGMENTS_MARKER}[{"start":"mm:ss.mmm","end":"mm:ss.mmm","speaker":"Speaker 1","text":"..."}]}\n` +
	'One segment per sentence or speaker turn, in order. Times count from the start of the audio ' +
	'(hh:mm:ss.mmm past one hour). Label voices "Speaker 1", "Speaker 2", ... consistently. ' +
	'No code fences, no other text.';

/** The same without speakers, for Speaker Labels off (shown in docs/transcripts.md). */
export const SEGMENTS_INSTRUCTION_NO_SPEAKERS =
	`${SEGMENTS_MARKER}[{"start":"mm:ss.mmm","end":"mm:ss.mmm","text":"..."}]}\n` +
	'One segment per sentence, in order. Times count from the start of the audio ' +
	'(hh:mm:ss.mmm past one hour). No code fences, no other text.';

const segmentsInstruction = (speakerLabels: boolean): string =>
	speakerLabels ? SEGMENTS_INSTRUCTION : SEGMENTS_INSTRUCTION_NO_SPEAKERS;

/**
 * How the prompt asks for segments (fields/prompt.ts `shape`): Analyze's Segments output, Submit Job's Answer
 * Format Segments. The instruction carries its own times and speakers, so it replaces those lines of the prompt.
 */
export const segmentsShape = (speakerLabels: boolean) => ({ instruction: segmentsInstruction(speakerLabels), replacesTranscriptLines: true });

/** A transcript without speaker labels: the user turned them off, so labels a model adds anyway go. */
export function withoutSpeakers(transcript: Transcript): Transcript {
	const segments = transcript.segments.map(({ start, end, text }) => ({ start, end, text }));
	return { segments, text: joinSegments(segments), speakers: [] };
}

const START_KEYS = ['start', 'start_time', 'startTime', 'begin', 'from'];
const END_KEYS = ['end', 'end_time', 'endTime', 'stop', 'to'];
const SPEAKER_KEYS = ['speaker', 'speaker_label', 'speakerLabel', 'speaker_name', 'voice'];
const TEXT_KEYS = ['text', 'transcript', 'content', 'utterance', 'sentence'];
const LIST_KEYS = ['segments', 'transcript', 'utterances', 'results'];

// A fenced block anywhere in the answer wins; otherwise the outermost {...} or [...] span, because
// models like to put a sentence before or after the JSON.
function parseJsonLoosely(answer: string): { ok: true; value: unknown } | { ok: false; reason: string } {
	const text = unfence(answer);
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		const open = text.search(/[[{]/);
		const close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
		if (open >= 0 && close > open && (open > 0 || close < text.length - 1)) {
			try {
				return { ok: true, value: JSON.parse(text.slice(open, close + 1)) };
			} catch {
				// The first error describes the answer better.
			}
		}
		return { ok: false, reason: `the answer is not JSON (${(error as Error).message})` };
	}
}

function findList(value: unknown): unknown[] | undefined {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'object' || value === null) return undefined;
	const record = value as Record<string, unknown>;
	for (const key of LIST_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[];
	return undefined;
}

function pick(record: Record<string, unknown>, keys: string[]): unknown {
	for (const key of keys) if (record[key] !== undefined && record[key] !== null && record[key] !== '') return record[key];
	return undefined;
}

// Text keeps its line breaks (subtitles show them) but loses blank lines and stray whitespace.
function cleanText(value: unknown): string {
	if (typeof value !== 'string') return '';
	return value
		.replace(/\r\n?/g, '\n')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '')
		.join('\n');
}

function cleanSpeaker(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return `Speaker ${value}`;
	if (typeof value !== 'string') return undefined;
	const speaker = value.trim().replace(/\s+/g, ' ');
	return speaker === '' ? undefined : speaker;
}

interface RawSegment {
	start: number;
	end?: number;
	speaker?: string;
	text: string;
}

/**
 * Validates a model's answer and normalizes it into a transcript:
 * - segments sorted by start (stable, so equal starts keep the model's order);
 * - a missing `end` is the next segment's `start`; the last segment's missing `end` is its own `start`
 *   (nothing is invented about how long the last words run);
 * - an `end` before its `start` becomes the `start`; overlaps are clipped (end = next start); gaps stay;
 * - segments without text are dropped; `{"segments":[]}` is a valid, empty transcript (silence).
 * An answer that is not JSON but a valid beginning of it (cut off mid-way) keeps the segments that are
 * complete, marked `cutOff`; an answer that is JSON is never read as cut off. `atTokenLimit`: fal reported
 * that the answer stopped at the Max Tokens limit, so one that is not JSON at all was cut off too.
 */
export function normalizeSegments(answer: string, atTokenLimit = false): SegmentsResult {
	const parsed = parseJsonLoosely(answer);
	if (parsed.ok) return segmentsOf(parsed.value, answer);
	const scan = scanCutJson(answer, LIST_KEYS);
	if (!scan.cut) return { ok: false, reason: parsed.reason, excerpt: excerpt(answer), ...(atTokenLimit && { cutOff: 'midway' as const }) };
	const list = scan.list;
	if (!list || (list.complete === 0 && !list.closed)) {
		return { ok: false, reason: 'the answer ends before its first complete segment', excerpt: excerpt(answer), cutOff: 'beforeFirstSegment' };
	}
	// The scanner checked the kept part; parsing it is the usual path, and a last safeguard.
	let kept: unknown;
	try {
		kept = JSON.parse(list.json);
	} catch (error) {
		return { ok: false, reason: `the answer is not JSON (${(error as Error).message})`, excerpt: excerpt(answer) };
	}
	// A whole list that only lacks the closing brace after it was not cut off: the model left it out.
	if (list.endsAfterList) return segmentsOf(kept, answer);
	return { ...segmentsOf(kept, answer), cutOff: 'midway' };
}

function segmentsOf(value: unknown, answer: string): SegmentsResult {
	const fail = (reason: string): SegmentsResult => ({ ok: false, reason, excerpt: excerpt(answer) });
	const list = findList(value);
	if (!list) return fail('the JSON has no "segments" list');

	const raw: RawSegment[] = [];
	for (let index = 0; index < list.length; index++) {
		const item = list[index];
		const where = `segment ${index + 1}`;
		if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail(`${where} is not an object`);
		const record = item as Record<string, unknown>;
		const text = cleanText(pick(record, TEXT_KEYS));
		if (text === '') continue;
		const start = parseTimecode(pick(record, START_KEYS));
		if (!start.ok) return fail(`${where} has no usable start time: ${start.reason}`);
		const endValue = pick(record, END_KEYS);
		let end: number | undefined;
		if (endValue !== undefined) {
			const parsedEnd = parseTimecode(endValue);
			if (!parsedEnd.ok) return fail(`${where} has an unusable end time: ${parsedEnd.reason}`);
			end = parsedEnd.seconds;
		}
		raw.push({ start: start.seconds, end, speaker: cleanSpeaker(pick(record, SPEAKER_KEYS)), text });
	}

	raw.sort((a, b) => a.start - b.start);
	const segments: Segment[] = raw.map((segment, index) => {
		const next = raw[index + 1];
		let end = segment.end ?? (next ? next.start : segment.start);
		if (end < segment.start) end = segment.start;
		if (next && end > next.start) end = next.start;
		// Key order as documented: start, end, speaker (when there is one), text.
		return segment.speaker === undefined
			? { start: segment.start, end, text: segment.text }
			: { start: segment.start, end, speaker: segment.speaker, text: segment.text };
	});
	return { ok: true, transcript: { segments, text: joinSegments(segments), speakers: speakersOf(segments) } };
}

function speakersOf(segments: readonly Segment[]): string[] {
	const seen = new Set<string>();
	for (const segment of segments) if (segment.speaker !== undefined) seen.add(segment.speaker);
	return [...seen];
}

/**
 * The readable text of a transcript. With speakers, consecutive segments of one speaker form a turn,
 * one "Speaker 1: ..." line per turn; without speakers, the segments form one paragraph.
 */
export function joinSegments(segments: readonly Segment[]): string {
	const flat = (text: string) => text.replace(/\n/g, ' ');
	if (!segments.some((segment) => segment.speaker !== undefined)) {
		return segments.map((segment) => flat(segment.text)).join(' ');
	}
	const lines: string[] = [];
	let turn: string[] = [];
	let speaker: string | undefined;
	const close = () => {
		if (turn.length) lines.push(speaker === undefined ? turn.join(' ') : `${speaker}: ${turn.join(' ')}`);
	};
	segments.forEach((segment, index) => {
		if (index === 0 || segment.speaker !== speaker) {
			close();
			turn = [];
			speaker = segment.speaker;
		}
		turn.push(flat(segment.text));
	});
	close();
	return lines.join('\n');
}
