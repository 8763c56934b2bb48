// What fal gets as an item's audio: a URL or data: URI checked as given, or a binary file read through n8n's
// helpers, judged by its bytes and uploaded to fal storage once. Nothing that is not audio fal accepts is sent.
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { ByteBudget } from '../dispatch/bytes';
import { failItem } from '../errors/itemError';
import type { JobParams } from '../fields/job';
import { readUploadMemoryBytes } from '../fields/options';
import { describeType } from '../lib/text';
import { uploadFile, type FalSession } from '../transport/session';
import { binarySize, readBinaryAsBlob } from './binary';
import { decodedSizeEstimate, decodeDataUri } from './dataUri';
import { detectAudioFormat, formatFromHints, SUPPORTED_FORMATS, type AudioFormat, type Detection } from './format';

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

/** Checks an Audio URL locally; fal receives an http(s) URL exactly as given, and the node never downloads it. */
function audioFromUrl(ctx: IExecuteFunctions, itemIndex: number, raw: unknown, maxBytes: number): string {
	if (typeof raw !== 'string' && raw !== undefined && raw !== null) {
		failItem(ctx, itemIndex, `The "Audio URL" field is ${describeType(raw)}, not a URL`, 'An expression must return the URL or data: URI as text, e.g. {{ $json.audio.url }}.');
	}
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

/**
 * A data: URI is judged by its bytes, like a binary file. Audio under a wrong or missing media type, or in
 * base64 that fal may not read (unpadded, URL-safe, percent-encoded), is sent re-encoded as
 * `data:<detected type>;base64,<padded base64>`; a URI that is already right is sent unchanged.
 */
function audioFromDataUri(ctx: IExecuteFunctions, itemIndex: number, uri: string, maxBytes: number): string {
	const howTo = 'Use the form data:audio/<type>;base64,<base64 data>, or set "Audio Source" to "Binary File".';
	checkSize(ctx, itemIndex, decodedSizeEstimate(uri), maxBytes);
	const decoded = decodeDataUri(uri);
	if (!decoded.ok) failItem(ctx, itemIndex, `The "Audio URL" field ${decoded.problem}`, howTo);
	checkSize(ctx, itemIndex, decoded.bytes.length, maxBytes);
	const detection = detectAudioFormat(decoded.bytes, decoded.mimeType);
	if (!detection.supported) {
		failItem(
			ctx,
			itemIndex,
			detection.emptyAfter
				? `The data URI in "Audio URL" contains no audio after ${detection.emptyAfter}`
				: `The data URI in "Audio URL" contains ${detection.found}, not audio fal accepts`,
			detection.emptyAfter ? NO_AUDIO_HINT : howToFix(detection),
		);
	}
	const declared = formatFromHints(decoded.mimeType);
	if (decoded.canonical && declared === detection.format) return uri;
	return `data:${detection.contentType};base64,${decoded.bytes.toString('base64')}`;
}

/** What to do about a file that is not audio fal accepts: what it is suggests the fix, then the formats. */
const howToFix = (refused: Detection & { supported: false }) =>
	`${refused.hint ?? 'Convert the file first, for example with ffmpeg in an Execute Command node.'} Supported formats: ${SUPPORTED_LIST}. Nothing was uploaded or sent to fal for this item.`;

const NO_AUDIO_HINT =
	'The file is only the header of an audio file, as a failed recording or a cut-off download leaves behind. Check where the file comes from and send one with sound in it.';

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
async function audioFromBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	maxBytes: number,
	reserve: (bytes: number) => Promise<() => void>,
): Promise<AudioFile & { release: () => void }> {
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
	const declaredSize = await binarySize(ctx, binary);
	checkSize(ctx, itemIndex, declaredSize, maxBytes);

	const label = binary.fileName ? `"${binary.fileName}"` : `binary property "${name}"`;
	const refuse = (refused: Detection & { supported: false }): never =>
		refused.emptyAfter
			? failItem(ctx, itemIndex, `${label} contains no audio after ${refused.emptyAfter} (field "Input Binary Field")`, NO_AUDIO_HINT)
			: failItem(ctx, itemIndex, `${label} is ${refused.found}, not a supported audio format (field "Input Binary Field")`, howToFix(refused));

	// The bytes are held from here until the caller releases them (after the upload); a refusal releases them at once.
	const release = await reserve(declaredSize);
	let handedOver = false;
	try {
		const file = await readChecked(ctx, itemIndex, name, binary, maxBytes, refuse);
		handedOver = true;
		return { ...file, release };
	} finally {
		if (!handedOver) release();
	}
}

/** Reads a binary file within its item's checks: what its bytes are, and its size once read. */
async function readChecked(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	binary: IBinaryData,
	maxBytes: number,
	refuse: (refused: Detection & { supported: false }) => never,
): Promise<AudioFile> {
	let head: Uint8Array = new Uint8Array(0);
	let detection: Detection | undefined;
	const blob = await readBinaryAsBlob(ctx, itemIndex, name, binary, (first) => {
		head = first;
		// The file's size is only certain once it is read; until then only what the bytes are is judged.
		detection = detectAudioFormat(first, binary.mimeType, binary.fileName, Number.POSITIVE_INFINITY);
		if (!detection.supported && !detection.needsWholeFile) refuse(detection);
	});
	checkSize(ctx, itemIndex, blob.size, maxBytes);
	detection =
		detection?.supported === false
			? // An MP4 whose track list (moov) sits after the first chunk: decide on the whole file.
				detectAudioFormat(new Uint8Array(await blob.arrayBuffer()), binary.mimeType, binary.fileName)
			: detectAudioFormat(head, binary.mimeType, binary.fileName, blob.size);
	if (!detection.supported) return refuse(detection);

	const fileName = binary.fileName?.trim() || `audio-${itemIndex}.${detection.format}`;
	const file = new File([blob], fileName, { type: detection.contentType });
	return { file, format: detection.format, size: file.size };
}

/** The input file's name: the binary's file name, else the URL's last path segment (none for data: URIs). */
export function inputFileName(ctx: IExecuteFunctions, itemIndex: number, params: JobParams): string | undefined {
	if (params.audioSource === 'binary') {
		return ctx.getInputData()[itemIndex]?.binary?.[params.binaryPropertyName]?.fileName || undefined;
	}
	try {
		const url = new URL(params.audioUrl.trim());
		if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
		const last = url.pathname.split('/').pop() ?? '';
		return decodeURIComponent(last) || undefined;
	} catch {
		return undefined;
	}
}

// One budget per node execution: every item of the run shares the same context object.
const budgets = new WeakMap<IExecuteFunctions, ByteBudget>();

function uploadBudget(ctx: IExecuteFunctions): ByteBudget {
	let budget = budgets.get(ctx);
	if (!budget) budgets.set(ctx, (budget = new ByteBudget(readUploadMemoryBytes(ctx))));
	return budget;
}

/** The `audio_url` fal gets for one item, and, when the node uploaded it, when fal deletes that upload. */
export interface ResolvedAudio {
	url: string;
	/** Set when the node uploaded the audio: the end of its lifetime (ISO time), or null when none was sent. */
	expiresAt?: string | null;
}

/**
 * The `audio_url` fal gets for one item: the checked URL as given (fal fetches it; nothing is uploaded), or the
 * binary file uploaded once, for its "Keep Uploaded Audio at Fal" lifetime. A binary file is read and uploaded
 * within the execution's "Upload Memory" budget.
 */
export async function resolveAudio(
	ctx: IExecuteFunctions,
	session: FalSession,
	itemIndex: number,
	params: JobParams,
	signal: AbortSignal,
): Promise<ResolvedAudio> {
	if (params.audioSource === 'url') return { url: audioFromUrl(ctx, itemIndex, params.audioUrl, params.maxBytes) };
	const budget = uploadBudget(ctx);
	const { file, release } = await audioFromBinary(ctx, itemIndex, params.binaryPropertyName, params.maxBytes, async (bytes) => await budget.reserve(bytes, signal));
	try {
		const seconds = params.audioLifetime?.seconds;
		// Counted from before the initiation: fal's own count starts later, so the file lives at least this long.
		const startedAt = Date.now();
		const url = await uploadFile(session, file, signal, seconds);
		return { url, expiresAt: seconds === undefined ? null : new Date(startedAt + seconds * 1000).toISOString() };
	} finally {
		release();
	}
}

/** `audioExpiresAt` for the output item, when this run uploaded the audio: nothing for a URL or a reused job. */
export const audioExpiry = (audio: ResolvedAudio | undefined): { audioExpiresAt?: string | null } =>
	audio?.expiresAt === undefined ? {} : { audioExpiresAt: audio.expiresAt };
