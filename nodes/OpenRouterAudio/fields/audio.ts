import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';

// Where an item's audio comes from. The audio itself is checked in audio/input.ts, before anything is sent.

export const audioFields: INodeProperties[] = [
	{
		displayName: 'Audio Source',
		name: 'audioSource',
		type: 'options',
		options: [
			{ name: 'URL', value: 'url', description: 'A web address of the audio file, which fal downloads itself' },
			{ name: 'Binary File', value: 'binary', description: 'An audio file on the input item (for example from Read Files From Disk or HTTP Request), uploaded to fal first' },
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
			'Web address of the audio file (https://…). fal downloads it itself, not n8n, so it must open without a login. Formats: WAV, MP3, AIFF, AAC, OGG, FLAC, M4A. Audio written into the address itself (a data URL, data:audio/…;base64,…) works too.',
		displayOptions: { show: { audioSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the audio file',
		description: 'Formats: WAV, MP3, AIFF, AAC, OGG, FLAC, M4A, recognised from the file itself whatever its name. The file is uploaded to fal, and the job reads it from there.',
		displayOptions: { show: { audioSource: ['binary'] } },
	},
];

/** An item's audio as its fields give it: a URL (or data: URI), or the binary property that holds the file. */
export interface AudioSource {
	audioSource: 'url' | 'binary';
	/** As the field gives it (an expression may give anything): audio/input.ts checks it. Empty for binary. */
	audioUrl: string;
	/** Empty for a URL. */
	binaryPropertyName: string;
}

export function readAudioSource(ctx: IExecuteFunctions, itemIndex: number): AudioSource {
	const audioSource = ctx.getNodeParameter('audioSource', itemIndex, 'url');
	if (audioSource === 'url') return { audioSource, audioUrl: ctx.getNodeParameter('audioUrl', itemIndex, '') as string, binaryPropertyName: '' };
	if (audioSource === 'binary') return { audioSource, audioUrl: '', binaryPropertyName: String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')) };
	return failItem(ctx, itemIndex, `The "Audio Source" field is ${JSON.stringify(audioSource)}`, 'Use "url" or "binary" (an expression must return one of them).');
}
