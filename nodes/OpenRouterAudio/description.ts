import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL } from './models';
import { optionsCollection } from './description.options';
import { TASK_PROMPTS, type Task } from './prompt';

const forJobs = { operation: ['analyze', 'submit'] };

const promptField = (task: Task, description: string): INodeProperties => ({
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	required: true,
	default: TASK_PROMPTS[task],
	placeholder: task === 'custom' ? 'e.g. Who is speaking, and what do they agree on?' : undefined,
	description,
	displayOptions: { show: { ...forJobs, task: [task] } },
});

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Analyze Audio',
				value: 'analyze',
				action: 'Analyze audio with a Gemini model',
				description: 'Send the audio and a prompt, wait for the answer',
			},
			{
				name: 'Submit Job',
				value: 'submit',
				action: 'Submit an audio job without waiting',
				description: 'Queue the job and return its request ID at once (for long recordings)',
			},
			{
				name: 'Get Job',
				value: 'getJob',
				action: 'Get the status or result of a job',
				description: 'Look up a submitted job by request ID, with its answer once it is done',
			},
		],
		default: 'analyze',
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 764cabcf-b745-4b3e-ae38-1200304cf45b',
		description: 'The request ID returned by "Submit Job" (or by fal\'s webhook)',
		displayOptions: { show: { operation: ['getJob'] } },
	},
	{
		displayName: 'Audio Source',
		name: 'audioSource',
		type: 'options',
		options: [
			{ name: 'URL', value: 'url', description: 'An http(s) URL or a data: URI that fal fetches itself' },
			{ name: 'Binary File', value: 'binary', description: 'A file on the input item, uploaded to fal storage' },
		],
		default: 'url',
		displayOptions: { show: forJobs },
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
		displayOptions: { show: { ...forJobs, audioSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the audio file',
		description: 'Formats: wav, mp3, aiff, aac, ogg, flac, m4a. The format is detected from the file itself.',
		displayOptions: { show: { ...forJobs, audioSource: ['binary'] } },
	},
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
		displayOptions: { show: forJobs },
	},
	{
		displayName: 'Speaker Labels',
		name: 'speakerLabels',
		type: 'boolean',
		default: false,
		description: 'Whether to label each speaker (Speaker 1, Speaker 2, ...)',
		displayOptions: { show: { ...forJobs, task: ['transcribe'] } },
	},
	{
		displayName: 'Timestamps',
		name: 'timestamps',
		type: 'boolean',
		default: false,
		description: 'Whether to start each segment with its [mm:ss] timestamp',
		displayOptions: { show: { ...forJobs, task: ['transcribe'] } },
	},
	{
		displayName: 'Target Language',
		name: 'targetLanguage',
		type: 'string',
		required: true,
		default: 'English',
		placeholder: 'e.g. German',
		displayOptions: { show: { ...forJobs, task: ['translate'] } },
	},
	promptField('transcribe', 'What the model should do with the audio. Speaker labels and timestamps are added to it when enabled.'),
	promptField('summarize', 'What the model should do with the audio'),
	promptField('translate', 'What the model should do with the audio. The target language is added to it.'),
	promptField('custom', 'What the model should do with the audio, e.g. a question about it'),
	{
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: DEFAULT_MODEL },
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
							regex: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.:-]+$',
							errorMessage: 'Enter a model ID such as google/gemini-2.5-flash',
						},
					},
				],
			},
		],
		displayOptions: { show: forJobs },
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/fal-result',
		description:
			'Optional. fal posts the result to this URL when the job is done, for example to the production URL of an n8n Webhook node.',
		displayOptions: { show: { operation: ['submit'] } },
	},
	optionsCollection,
];
