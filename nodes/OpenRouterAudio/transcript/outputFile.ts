// The output file of an answer: its name, MIME type, content, and the checks the node makes before
// any job is sent (a format that cannot be produced must fail before it is paid for).
import type { FileFormat } from '../fields/output';
import type { AnswerMeta, TranscriptOrText } from './documents';
import { toJson, toMarkdown, toTxt } from './documents';
import { toSrt, toVtt } from './subtitles';

export const FILE_MIME_TYPES: Record<FileFormat, string> = {
	txt: 'text/plain',
	md: 'text/markdown',
	json: 'application/json',
	srt: 'application/x-subrip',
	vtt: 'text/vtt',
};

const DEFAULT_BASE_NAME = 'transcript';

/**
 * The output file's name: the input file's name with the format's extension (meeting.mp3 ->
 * meeting.srt), or transcript.<ext>. Folders are dropped: a name from a storage trigger may carry a
 * path, and a binary file name must not point anywhere else when a later node writes it.
 */
export function outputFileName(format: FileFormat, inputFileName?: string): string {
	const baseName = (inputFileName ?? '').split(/[/\\]/).pop() ?? '';
	// Control characters (codes below 32, and 127) have no place in a file name.
	const printable = [...baseName].filter((char) => char.charCodeAt(0) >= 32 && char.charCodeAt(0) !== 127).join('');
	const stem = printable
		.replace(/\.[^.]*$/, '')
		.trim()
		.replace(/^\.+/, '');
	return `${stem || DEFAULT_BASE_NAME}.${format}`;
}

export const needsSegments = (format: FileFormat): boolean => format === 'srt' || format === 'vtt';

/**
 * Why a file format cannot be produced with the chosen output, or undefined when it can. The node
 * throws this (with the item index) before sending anything.
 */
export function fileFormatProblem(
	format: FileFormat,
	output: 'text' | 'segments',
): { message: string; description: string } | undefined {
	if (!needsSegments(format) || output === 'segments') return undefined;
	const name = format.toUpperCase();
	return {
		message: `${name} files need the Segments output`,
		description: `${name} subtitles are built from timed segments. Set "Output" to "Segments", or choose a file format without timing (txt, md or json).`,
	};
}

/**
 * Why the output file cannot go to this binary property, or undefined. With Keep Binary Data on, the
 * input's binary properties stay on the item; replacing one of them silently would lose the audio.
 */
export function binaryPropertyClash(
	outputProperty: string,
	keptProperties: readonly string[],
): { message: string; description: string } | undefined {
	if (!keptProperties.includes(outputProperty)) return undefined;
	return {
		message: `The output file would replace the input's binary property "${outputProperty}"`,
		description: `"Keep Binary Data" keeps the input's "${outputProperty}" on the item. Give the output file another binary property name, or turn "Keep Binary Data" off.`,
	};
}

export interface OutputFile {
	fileName: string;
	mimeType: string;
	content: string;
}

/**
 * The file's content for a format. `srt` and `vtt` take a transcript only (check fileFormatProblem
 * first); the others also take a plain-text answer.
 */
export function renderOutputFile(
	format: FileFormat,
	input: TranscriptOrText,
	meta: AnswerMeta & { inputFileName?: string },
): OutputFile {
	const fileName = outputFileName(format, meta.inputFileName);
	const file = (content: string): OutputFile => ({ fileName, mimeType: FILE_MIME_TYPES[format], content });
	switch (format) {
		case 'txt':
			return file(toTxt(input));
		case 'md':
			return file(toMarkdown(input, meta.inputFileName?.split(/[/\\]/).pop(), meta.truncatedNote));
		case 'json':
			return file(toJson(input, { model: meta.model, requestId: meta.requestId, usage: meta.usage, truncatedNote: meta.truncatedNote }));
		case 'srt':
		case 'vtt':
			if (typeof input === 'string') throw new TypeError(`${format} needs a segmented transcript`);
			return file(format === 'srt' ? toSrt(input.segments) : toVtt(input.segments));
	}
}
