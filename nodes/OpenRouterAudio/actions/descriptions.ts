import type { INodeProperties } from 'n8n-workflow';

import { MODEL_ID_PATTERN } from '../params/model';

// The fields Analyze and Submit Job share; each operation shows them with its own displayOptions.
// Defaults are literals (n8n's lint reads them); test/nodes/OpenRouterAudio/actions/descriptions.test.ts
// keeps them equal to the runtime defaults in params/defaults.ts and params/prompt.ts.

const promptDescription = 'What the model should do with the audio';

export const audioFields: INodeProperties[] = [
	{
		displayName: 'Audio Source',
		name: 'audioSource',
		type: 'options',
		options: [
			{ name: 'URL', value: 'url', description: 'An http(s) URL or a data: URI that fal fetches itself' },
			{ name: 'Binary File', value: 'binary', description: 'A file on the input item, uploaded to fal storage' },
		],
		default: 'url',
	},
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/meeting.mp3',
		description:
			'Public URL or data: URI of the audio. Formats: wav, mp3, aiff, aac, ogg, flac, m4a. fal downloads it; n8n does not.',
		displayOptions: { show: { audioSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the audio file',
		description: 'Formats: wav, mp3, aiff, aac, ogg, flac, m4a. The format is detected from the file itself.',
		displayOptions: { show: { audioSource: ['binary'] } },
	},
];

export const taskFields: INodeProperties[] = [
	{
		displayName: 'Task',
		name: 'task',
		type: 'options',
		options: [
			{ name: 'Transcribe', value: 'transcribe', description: 'Write down what is said' },
			{ name: 'Summarize', value: 'summarize', description: 'Summarize the recording and list its key points' },
			{ name: 'Translate', value: 'translate', description: 'Translate the speech into another language' },
			{ name: 'Custom Prompt', value: 'custom', description: 'Ask anything about the audio' },
		],
		default: 'transcribe',
		description: 'Fills in a prompt for common jobs; the prompt stays editable',
	},
	{
		displayName: 'Speaker Labels',
		name: 'speakerLabels',
		type: 'boolean',
		default: false,
		description: 'Whether to label each speaker (Speaker 1, Speaker 2, ...)',
		displayOptions: { show: { task: ['transcribe'] } },
	},
	{
		displayName: 'Timestamps',
		name: 'timestamps',
		type: 'boolean',
		default: false,
		description: 'Whether to start each segment with its [mm:ss] timestamp',
		// Segments always carry their times.
		displayOptions: { show: { task: ['transcribe'] }, hide: { transcriptOutput: ['segments'] } },
	},
	{
		displayName: 'Target Language',
		name: 'targetLanguage',
		type: 'string',
		required: true,
		default: 'English',
		placeholder: 'e.g. German',
		displayOptions: { show: { task: ['translate'] } },
	},
	// One Prompt field per task, so each task starts from its own prompt (TASK_PROMPTS).
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: 'Transcribe this audio verbatim.',
		description: `${promptDescription}. Speaker labels and timestamps (for the Segments output, the JSON shape) are added to it when enabled.`,
		displayOptions: { show: { task: ['transcribe'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: 'Summarize this audio: a short paragraph, then the key points as a list.',
		description: promptDescription,
		displayOptions: { show: { task: ['summarize'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: 'Translate the speech in this audio.',
		description: `${promptDescription}. The target language is added to it.`,
		displayOptions: { show: { task: ['translate'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. Who is speaking, and what do they agree on?',
		description: `${promptDescription}, e.g. a question about it`,
		displayOptions: { show: { task: ['custom'] } },
	},
];

export const modelField: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: 'google/gemini-3-flash-preview' },
	description: 'The Gemini model OpenRouter routes the request to; billed by the tokens it uses',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. google/gemini-2.5-flash',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: MODEL_ID_PATTERN,
						errorMessage: 'Enter a model ID such as google/gemini-2.5-flash',
					},
				},
			],
		},
	],
};

// Only Analyze waits for the answer, so only it can parse the answer as JSON.
const jsonAnswerOptions: INodeProperties[] = [
	{
		displayName: 'If the Answer Is Not JSON',
		name: 'invalidJson',
		type: 'options',
		options: [
			{ name: 'Fail the Item', value: 'error' },
			{
				name: 'Keep the Raw Text',
				value: 'keepRaw',
				description: 'Set "data" (or "segments") to null and add "jsonError" (or "segmentsError")',
			},
		],
		default: 'error',
		description: 'For Output Format JSON and for the Segments output of Transcribe: what happens to an answer that cannot be read',
	},
	{
		displayName: 'Output Format',
		name: 'outputFormat',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
			{
				name: 'JSON',
				value: 'json',
				description: 'Ask the model for JSON and parse the answer into "data"',
			},
		],
		default: 'text',
		// Segments are JSON already (see transcriptFields).
		displayOptions: { hide: { '/transcriptOutput': ['segments'] } },
	},
];

const jobOptions: INodeProperties[] = [
	{
		displayName: 'Max Concurrent Jobs',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1000, numberPrecision: 0 },
		default: 0,
		description:
			'The most fal jobs in flight at once. 0 = automatic: the node learns from fal\'s queue how many jobs your account runs at once and keeps just enough submitted to use them all. 1 = one item after another. Output order always matches the input. Read from the first item.',
	},
	{
		displayName: 'Keep Binary Data',
		name: 'keepBinary',
		type: 'boolean',
		default: false,
		description: 'Whether to pass the input item\'s binary data on to the output item, so a later node can store it',
	},
	{
		displayName: 'Max File Size (MB)',
		name: 'maxFileSizeMb',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1024 },
		default: 100,
		description: 'Larger audio fails before it is uploaded',
	},
	{
		displayName: 'Max Queue Wait (Seconds)',
		name: 'maxQueueWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 604800, numberPrecision: 0 },
		default: 3600,
		description:
			'How long a job may wait in fal\'s queue (IN_QUEUE) before it starts. Past it the item fails and the job is cancelled. This time does not count against "Timeout (Seconds)". 0 = no limit, at most 604800 (7 days).',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
		default: 3,
		description:
			'How often one request to fal is retried after a rate limit (429), a server error (5xx) or a dropped connection: at most this plus one attempts, waiting as fal\'s Retry-After asks. A submit that fal may have received is never sent twice.',
	},
	{
		displayName: 'Max Tokens',
		name: 'maxTokens',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 4096,
		description: 'The most tokens the model may generate in its answer. An answer cut off at this limit is marked "truncated" on the item.',
	},
	{
		displayName: 'Reasoning',
		name: 'reasoning',
		type: 'boolean',
		default: false,
		description: 'Whether the model\'s reasoning should be part of the answer',
	},
	{
		displayName: 'System Prompt',
		name: 'systemPrompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. You transcribe medical dictation. Keep drug names exactly as spoken.',
		description: 'Context or instructions for the model, sent as the system prompt',
	},
	{
		displayName: 'Upload Memory (MB)',
		name: 'uploadMemoryMb',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 256,
		description:
			'How much binary audio the node holds in memory at once while reading and uploading files, across all items. A larger file is still sent, on its own. Read from the first item.',
		displayOptions: { show: { '/audioSource': ['binary'] } },
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
		default: 1,
		description: 'Lower values give more predictable answers, higher values more varied ones (0 to 2)',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 604800, numberPrecision: 0 },
		default: 600,
		description:
			'How long one item may take: its upload plus the time its fal job runs (IN_PROGRESS). Time waiting in fal\'s queue counts against "Max Queue Wait (Seconds)" instead. Past it the item fails and its fal job is cancelled. 0 = no limit, at most 604800 (7 days).',
	},
];

// Transcripts as data and as files (Analyze only: Submit Job returns no answer to shape).
export const transcriptFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'transcriptOutput',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text', description: 'The transcript as text in "output"' },
			{
				name: 'Segments',
				value: 'segments',
				description: 'Timed segments in "segments" (start and end in seconds, speaker, text), for subtitles and documents',
			},
		],
		default: 'text',
		displayOptions: { show: { task: ['transcribe'] } },
	},
];

const answerFileOptions: INodeProperties[] = [
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
		description:
			'Also write the answer as a file into a binary field, named after the input file (meeting.mp3 → meeting.srt), for a later storage node',
	},
	{
		displayName: 'Output Binary Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { putOutputInFile: ['txt', 'md', 'json', 'srt', 'vtt'] } },
	},
];

/** Everything under "Options", listed alphabetically as n8n lists them. Unset options are not sent to fal. */
export function optionsCollection({ jsonAnswers }: { jsonAnswers: boolean }): INodeProperties {
	const options = jsonAnswers ? [...jobOptions, ...jsonAnswerOptions, ...answerFileOptions] : jobOptions;
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}
