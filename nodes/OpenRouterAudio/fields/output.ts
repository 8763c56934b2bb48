// How a finished job's answer comes out: the "Output" field and the answer's Options, shared by Analyze Audio
// (which waits for the answer) and the trigger (to which fal delivers it). Their names, values, defaults and
// which option shows when are written here once; each node words the choices for what it does (OutputWording).
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { InvalidJson, OutputFormat } from '../answer/json';

/** The formats "Put Output in File" offers; transcript/outputFile.ts renders each. */
export type FileFormat = 'txt' | 'md' | 'json' | 'srt' | 'vtt';

export const FILE_FORMATS: readonly FileFormat[] = ['txt', 'md', 'json', 'srt', 'vtt'];

export const isFileFormat = (value: unknown): value is FileFormat => FILE_FORMATS.includes(value as FileFormat);

/**
 * What differs between the two nodes is only what they say: Analyze asks the model for the shape and fails an
 * item it cannot read, names the file after the input file; the trigger gets what Submit Job asked for, cannot
 * fail an item (it has none) and names the file after the Reference.
 */
export interface OutputWording {
	/** "Output": its Text and Segments choices, and what else the field carries (its description, when it shows). */
	output: { text: string; segments: string; field?: Pick<INodeProperties, 'description' | 'displayOptions'> };
	/** "If the Answer Is Not JSON": its "error" choice and the option's description. */
	invalidJson: { error: { name: string; description?: string }; description: string };
	/** "Output Format": its JSON choice. */
	jsonFormat: string;
	/** "Put Output in File": the option's description. */
	putOutputInFile: string;
}

// Each node gives its choices their description (OutputWording).
const transcriptOutput = {
	displayName: 'Output',
	name: 'transcriptOutput',
	type: 'options',
	options: [
		{ name: 'Text', value: 'text' },
		{ name: 'Segments', value: 'segments' },
	],
	default: 'text',
} satisfies INodeProperties;

const outputBinaryField = {
	displayName: 'Output Binary Field',
	name: 'outputBinaryPropertyName',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field to put the file in',
	displayOptions: { show: { putOutputInFile: [...FILE_FORMATS] } },
} satisfies INodeProperties;

/** A key only when it has a value: a choice without a description has no description key. */
const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value });

/** The "Output" field: the answer as text, or as timed segments. */
export function outputField(wording: OutputWording): INodeProperties {
	return {
		...transcriptOutput,
		options: transcriptOutput.options.map((choice) => ({ ...choice, description: wording.output[choice.value as 'text' | 'segments'] })),
		...wording.output.field,
	};
}

/** The answer's Options, for the node's "Options" collection (which lists them alphabetically). */
export function answerOptions(wording: OutputWording): INodeProperties[] {
	return [
		{
			displayName: 'If the Answer Is Not JSON',
			name: 'invalidJson',
			type: 'options',
			options: [
				{ name: wording.invalidJson.error.name, value: 'error', ...optional('description', wording.invalidJson.error.description) },
				{
					name: 'Keep the Raw Text',
					value: 'keepRaw',
					description: 'Set "data" (or "segments") to null and add "jsonError" (or "segmentsError")',
				},
			],
			default: 'error',
			description: wording.invalidJson.description,
		},
		{
			displayName: 'Output Format',
			name: 'outputFormat',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
				{ name: 'JSON', value: 'json', description: wording.jsonFormat },
			],
			default: 'text',
			// Segments are JSON already.
			displayOptions: { hide: { '/transcriptOutput': ['segments'] } },
		},
		{
			displayName: 'Put Output in File',
			name: 'putOutputInFile',
			type: 'options',
			options: [
				{ name: 'JSON (.json)', value: 'json', description: 'The transcript or answer with model, request ID and usage' },
				{ name: 'Markdown (.md)', value: 'md' },
				{ name: 'SubRip Subtitles (.srt)', value: 'srt', description: 'Needs the Segments output' },
				{ name: 'Text (.txt)', value: 'txt' },
				{ name: 'WebVTT Subtitles (.vtt)', value: 'vtt', description: 'Needs the Segments output' },
			],
			default: 'txt',
			description: wording.putOutputInFile,
		},
		outputBinaryField,
	];
}

/** The "Output" field's value as set (its default when unset), for the node to check; `get` is the node's getNodeParameter. */
export const readOutputChoice = (get: (name: string, fallback: unknown) => unknown): unknown => get(transcriptOutput.name, transcriptOutput.default);

/** "If the Answer Is Not JSON": only "keepRaw" keeps the raw text; anything else gives the error (the default). */
export const readInvalidJson = (options: IDataObject): InvalidJson => (options.invalidJson === 'keepRaw' ? 'keepRaw' : 'error');

/** "Output Format" for an output: segments are JSON already, so only the Text output can ask for JSON. */
export const readOutputFormat = (options: IDataObject, output: 'text' | 'segments'): OutputFormat =>
	output === 'text' && options.outputFormat === 'json' ? 'json' : 'text';

/** "Put Output in File" as set, unchecked; undefined when the option is not added. */
export const readPutOutputInFile = (options: IDataObject): unknown => options.putOutputInFile;

/** "Output Binary Field", trimmed; empty when set to blanks (each node says what that means). */
export const readOutputBinaryField = (options: IDataObject): string => String(options[outputBinaryField.name] ?? outputBinaryField.default).trim();

/** The binary field the file goes to by default. */
export const DEFAULT_OUTPUT_BINARY_FIELD = outputBinaryField.default;
