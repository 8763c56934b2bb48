import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';

// Where an item's audio comes from. The audio itself is checked in audio/input.ts, before anything is sent.

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
