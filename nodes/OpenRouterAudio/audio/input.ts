import type { IExecuteFunctions } from 'n8n-workflow';

import { readBinaryAsBlob } from './binary';
import { failItem } from '../errors/itemError';
import { detectAudioFormat, SUPPORTED_FORMATS, type AudioFormat, type Detection } from './format';

/** A binary item's audio, ready for upload to fal storage. */
export interface AudioFile {
	file: File;
	format: AudioFormat;
	size: number;
}

const MB = 1024 * 1024;
const SUPPORTED_LIST = SUPPORTED_FORMATS.join(', ');

const formatMb = (bytes: number) =>
	bytes < MB ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / MB).toFixed(1)} MB`;

/** Checks an Audio URL locally; fal receives it exactly as given, and the node never downloads it. */
export function audioFromUrl(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, maxBytes: number): string {
	const url = typeof raw === 'string' ? raw.trim() : '';
	if (!url) {
		failItem(
			ctx,
			itemIndex,
			'The "Audio URL" field is empty',
			'Enter an https URL or a data: URI of the audio, or set "Audio Source" to "Binary File" to send a file from the input item.',
		);
	}
	if (url.toLowerCase().startsWith('data:')) return audioFromDataUri(ctx, itemIndex, url, maxBytes);

	let protocol: string;
	try {
		protocol = new URL(url).protocol;
	} catch {
		failItem(ctx, itemIndex, `The "Audio URL" field is not a valid URL: "${url.slice(0, 100)}"`, 'Enter a full address starting with https://, or a data: URI.');
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		failItem(
			ctx,
			itemIndex,
			`The "Audio URL" field uses "${protocol}", which fal cannot fetch`,
			'fal downloads the audio itself, so it needs an http(s) URL or a data: URI. To send a file the workflow has read, set "Audio Source" to "Binary File".',
		);
	}
	return url;
}

const DATA_URI = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)?((?:;[a-z0-9_.-]+=[^;,]*)*)(;base64)?,/i;

function audioFromDataUri(ctx: IExecuteFunctions, itemIndex: number, uri: string, maxBytes: number): string {
	const header = DATA_URI.exec(uri);
	const payload = header ? uri.slice(header[0].length) : '';
	const howTo = 'Use the form data:audio/<type>;base64,<base64 data>, or set "Audio Source" to "Binary File".';
	if (!header || !header[3]) {
		failItem(ctx, itemIndex, 'The "Audio URL" field holds a malformed data URI: it must be base64 encoded', howTo);
	}
	if (!payload || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload) || payload.length % 4 === 1) {
		failItem(ctx, itemIndex, 'The "Audio URL" field holds a data URI whose data is not valid base64', howTo);
	}
	const size = Math.floor((payload.length * 3) / 4);
	checkSize(ctx, itemIndex, size, maxBytes);
	// Only the first bytes are decoded: enough for the format's signature.
	const head = Buffer.from(payload.slice(0, 4096 - (4096 % 4)), 'base64');
	const detection = detectAudioFormat(head, header[1]);
	if (!detection.supported) {
		failItem(ctx, itemIndex, `The data URI in "Audio URL" contains ${detection.found}, not audio fal accepts`, `Supported formats: ${SUPPORTED_LIST}.`);
	}
	return uri;
}

function checkSize(ctx: IExecuteFunctions, itemIndex: number, size: number, maxBytes: number) {
	if (size > maxBytes) {
		failItem(
			ctx,
			itemIndex,
			`The audio is ${formatMb(size)}, over the ${formatMb(maxBytes)} limit`,
			'Shorten or compress the recording (for example to mp3 or m4a), or raise "Max File Size (MB)" under Options.',
		);
	}
}

/**
 * Reads the item's binary property through n8n's helpers (so filesystem, database and S3 binary modes all
 * work), checks size and format, and wraps it as a File: the fal client uploads a Blob, not a Buffer.
 */
export async function audioFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	maxBytes: number,
): Promise<AudioFile> {
	const name = propertyName.trim();
	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	if (!name || !available.includes(name)) {
		failItem(
			ctx,
			itemIndex,
			name
				? `The input item has no binary property "${name}" (field "Input Binary Field")`
				: 'The "Input Binary Field" field is empty',
			available.length
				? `Binary properties on this item: ${available.map((key) => `"${key}"`).join(', ')}. Put one of them in "Input Binary Field".`
				: 'This item carries no binary data. Read the audio first (for example with Read/Write Files from Disk, an HTTP Request with the response as a file, or a storage trigger that downloads the file), or set "Audio Source" to "URL".',
		);
	}
	const binary = ctx.helpers.assertBinaryData(itemIndex, name);

	// Stored binaries report their size without being read, so an oversized file is refused before any I/O.
	const declaredSize = binary.id
		? (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize
		: Math.floor((binary.data.length * 3) / 4);
	checkSize(ctx, itemIndex, declaredSize, maxBytes);

	const label = binary.fileName ? `"${binary.fileName}"` : `binary property "${name}"`;
	const refuse = (found: string): never =>
		failItem(
			ctx,
			itemIndex,
			`${label} is ${found}, not a supported audio format (field "Input Binary Field")`,
			`Supported formats: ${SUPPORTED_LIST}. Convert the file first, for example with ffmpeg in an Execute Command node.`,
		);

	let detection: Detection | undefined;
	const blob = await readBinaryAsBlob(ctx, itemIndex, name, binary, (head) => {
		detection = detectAudioFormat(head, binary.mimeType, binary.fileName);
		if (!detection.supported && !detection.needsWholeFile) refuse(detection.found);
	});
	checkSize(ctx, itemIndex, blob.size, maxBytes);
	if (detection?.supported === false) {
		// An MP4 whose track list (moov) sits after the first chunk: decide on the whole file.
		detection = detectAudioFormat(new Uint8Array(await blob.arrayBuffer()), binary.mimeType, binary.fileName);
	}
	if (!detection?.supported) return refuse(detection?.found ?? 'unreadable');

	const fileName = binary.fileName?.trim() || `audio-${itemIndex}.${detection.format}`;
	const file = new File([blob], fileName, { type: detection.contentType });
	return { file, format: detection.format, size: file.size };
}
