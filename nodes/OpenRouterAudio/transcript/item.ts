// What the Segments output and "Put Output in File" add to an Analyze item: the normalized segments on
// its JSON, and the transcript file in a binary property written through n8n's binary helpers (so it
// works in every binary data mode, and in queue mode).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AudioAnswer } from '../answer/answer';
import type { InvalidJson } from '../answer/json';
import {
	cutOffFix,
	FIRST_SEGMENT,
	howItEnded,
	noSegmentsCutOffNote,
	segmentsCutOffNote,
	tokenLimit,
	truncatedJson,
	type TokenLimit,
} from '../answer/truncation';
import { paidAnswerError, RAW_ANSWER_HINT } from '../errors/answerError';
import type { FileFormat } from '../fields/output';
import type { TranscriptOrText } from './documents';
import { renderOutputFile } from './outputFile';
import { normalizeSegments, withoutSpeakers, type SegmentsResult } from './segments';

/** What adding the transcript needs of n8n: the node, and its binary helper (Analyze's item, the trigger's delivery). */
export type TranscriptContext = Pick<IExecuteFunctions, 'getNode'> & { helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'> };

/** What an Analyze item asks of its transcript, read and checked before anything is sent. */
export interface TranscriptSettings {
	/** 'segments' only for the Transcribe task. */
	output: 'text' | 'segments';
	/** Speaker Labels (Transcribe): with Segments, whether segments carry a speaker. */
	speakerLabels: boolean;
	/** "Put Output in File": the format and the binary property the file goes to. */
	file?: { format: FileFormat; binaryPropertyName: string };
	invalidJson: InvalidJson;
	/** The request's "Max Tokens", to tell an answer cut off at it. */
	maxTokens?: number;
	/** The input file's name, which the output file is named after. */
	inputFileName?: string;
}

/**
 * Adds the transcript to the item built from `answer`: with Segments, `segments`, `text` and `speakers`
 * (or `segments: null` and `segmentsError` when the answer has none and "If the Answer Is Not JSON" keeps
 * raw text; else the item fails). An answer cut off mid-way keeps its complete segments and marks the item
 * `truncated` with a `truncatedNote`. With "Put Output in File", the file in its binary property. SRT and
 * VTT need segments, so a kept raw answer gets no such file; txt, md and json are made from the raw text.
 */
export async function addTranscriptOutput(
	ctx: TranscriptContext,
	itemIndex: number,
	settings: TranscriptSettings,
	answer: AudioAnswer,
	item: INodeExecutionData,
): Promise<INodeExecutionData> {
	const json: IDataObject = { ...item.json };
	let source: TranscriptOrText = answer.output;

	if (settings.output === 'segments') {
		const limit = tokenLimit(answer.usage, settings.maxTokens);
		const result = normalizeSegments(answer.output, limit.reached);
		if (result.ok) {
			const transcript = settings.speakerLabels ? result.transcript : withoutSpeakers(result.transcript);
			Object.assign(json, { segments: transcript.segments, text: transcript.text, speakers: transcript.speakers });
			if (result.cutOff) Object.assign(json, truncatedJson(segmentsCutOffNote(limit, transcript.segments.length)));
			source = transcript;
		} else {
			const { cutOff } = result;
			const reason = failureReason(result, limit);
			if (settings.invalidJson === 'keepRaw') {
				Object.assign(json, { segments: null, segmentsError: `${reason}. Answer begins: "${result.excerpt}"` });
				if (cutOff) Object.assign(json, truncatedJson(noSegmentsCutOffNote(limit, cutOff === 'beforeFirstSegment')));
			} else {
				const begins = `${capitalize(reason)}. Answer begins: "${result.excerpt}". Request ${String(json.requestId)} was paid for. ${RAW_ANSWER_HINT}`;
				const keepRaw = 'set "If the Answer Is Not JSON" to "Keep the Raw Text" to keep such answers';
				const message =
					cutOff === 'beforeFirstSegment'
						? "The model's answer was cut off before its first complete segment"
						: cutOff
							? "The model's answer was cut off and could not be turned into segments"
							: "The model's answer could not be turned into segments";
				const fix = cutOff ? `${cutOffFix(limit)} Or ${keepRaw}.` : `${capitalize(keepRaw)}, or run the item again.`;
				throw paidAnswerError(ctx.getNode(), itemIndex, message, `${begins} ${fix}`, answer);
			}
		}
	}

	const out: INodeExecutionData = { ...item, json };
	const { file } = settings;
	if (!file || (typeof source === 'string' && (file.format === 'srt' || file.format === 'vtt'))) return out;

	const rendered = renderOutputFile(file.format, source, {
		model: String(json.model ?? ''),
		requestId: String(json.requestId ?? ''),
		usage: answer.usage,
		inputFileName: settings.inputFileName,
		...(typeof json.truncatedNote === 'string' && { truncatedNote: json.truncatedNote }),
	});
	const data = await ctx.helpers.prepareBinaryData(Buffer.from(rendered.content, 'utf8'), rendered.fileName, rendered.mimeType);
	out.binary = { ...(item.binary ?? {}), [file.binaryPropertyName]: data };
	return out;
}

/** Why a Segments answer gave no segments, saying first that it was cut off when it was. */
function failureReason(result: Extract<SegmentsResult, { ok: false }>, limit: TokenLimit): string {
	if (result.cutOff === 'beforeFirstSegment') return `the answer ${howItEnded(limit, FIRST_SEGMENT)}`;
	if (result.cutOff) return `the answer ${howItEnded(limit)}, and ${result.reason.replace(/^the answer /, 'it ')}`;
	return result.reason;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
