// The trigger's fields: where its URL goes, and its own Output options, which read a delivered answer as
// Analyze reads its own (same names, values and defaults as Analyze's; a test holds the two together).
import type { INodeProperties } from 'n8n-workflow';

import { FILE_FORMATS } from '../transcript/outputFile';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Paste this node\'s Production URL into the "Webhook URL" of an OpenRouter Audio "Submit Job" node that uses the same Fal API credential, and activate this workflow. Each job\'s answer starts one execution; deliveries fal did not sign, or for jobs not submitted with this credential, are refused.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Output',
		name: 'transcriptOutput',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
			{
				name: 'Segments',
				value: 'segments',
				description: 'Timed segments in "segments" (start and end in seconds, speaker, text), for jobs whose Submit Job asked for Segments',
			},
		],
		default: 'text',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'If the Answer Is Not JSON',
				name: 'invalidJson',
				type: 'options',
				options: [
					{ name: 'Give an Error Item', value: 'error', description: 'An item with "error" and the whole answer in "rawAnswer"' },
					{
						name: 'Keep the Raw Text',
						value: 'keepRaw',
						description: 'Set "data" (or "segments") to null and add "jsonError" (or "segmentsError")',
					},
				],
				default: 'error',
				description: 'For Output Format JSON and for the Segments output: what happens to an answer that cannot be read',
			},
			{
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'options',
				options: [
					{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
					{ name: 'JSON', value: 'json', description: 'Parse the answer into "data" (for jobs whose Submit Job asked for JSON)' },
				],
				default: 'text',
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
				description: 'Also write the answer as a file into a binary field, named after the Reference (meeting.mp3 → meeting.srt), for a later storage node',
			},
			{
				displayName: 'Output Binary Field',
				name: 'outputBinaryPropertyName',
				type: 'string',
				default: 'data',
				hint: 'The name of the output binary field to put the file in',
				displayOptions: { show: { putOutputInFile: [...FILE_FORMATS] } },
			},
		],
	},
];
