// Audio format detection from a file's first bytes. The endpoint accepts seven formats; anything else
// (video, WebM, images, empty files) must be caught before it is uploaded and paid for.

import { afterId3, emptyAfter } from './container';

export type AudioFormat = 'wav' | 'mp3' | 'aiff' | 'aac' | 'ogg' | 'flac' | 'm4a';

export const SUPPORTED_FORMATS: readonly AudioFormat[] = ['wav', 'mp3', 'aiff', 'aac', 'ogg', 'flac', 'm4a'];

export const CONTENT_TYPES: Record<AudioFormat, string> = {
	wav: 'audio/wav',
	mp3: 'audio/mpeg',
	aiff: 'audio/aiff',
	aac: 'audio/aac',
	ogg: 'audio/ogg',
	flac: 'audio/flac',
	m4a: 'audio/mp4',
};

export type Detection =
	| { supported: true; format: AudioFormat; contentType: string }
	| {
			supported: false;
			/** What the bytes are, e.g. "a PNG image". */
			found: string;
			/** The header that no audio follows, e.g. "its ID3 tag": the file is audio in name only. */
			emptyAfter?: string;
			needsWholeFile?: boolean;
	  };

const MIME_HINTS: Record<string, AudioFormat> = {
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/aiff': 'aiff',
	'audio/x-aiff': 'aiff',
	'audio/aac': 'aac',
	'audio/x-aac': 'aac',
	'audio/aacp': 'aac',
	'audio/ogg': 'ogg',
	'audio/vorbis': 'ogg',
	'audio/flac': 'flac',
	'audio/x-flac': 'flac',
	'audio/mp4': 'm4a',
	'audio/m4a': 'm4a',
	'audio/x-m4a': 'm4a',
};

const EXTENSION_HINTS: Record<string, AudioFormat> = {
	wav: 'wav',
	wave: 'wav',
	mp3: 'mp3',
	aif: 'aiff',
	aiff: 'aiff',
	aifc: 'aiff',
	aac: 'aac',
	ogg: 'ogg',
	oga: 'ogg',
	flac: 'flac',
	m4a: 'm4a',
	m4b: 'm4a',
};

const ascii = (bytes: Uint8Array, start: number, length: number) =>
	String.fromCharCode(...bytes.subarray(start, start + length));

const supported = (format: AudioFormat): Detection => ({
	supported: true,
	format,
	contentType: CONTENT_TYPES[format],
});

/** A format recognised by its signature, provided some audio follows its header. */
function withAudio(format: AudioFormat, bytes: Uint8Array, fileSize: number): Detection {
	const header = emptyAfter(format, bytes, fileSize);
	if (!header) return supported(format);
	return { supported: false, found: `${format === 'mp3' ? 'an MP3' : `a ${format.toUpperCase()}`} file with no audio after ${header}`, emptyAfter: header };
}

/** The format a MIME type or file name points to, when the bytes alone do not settle it. */
export function formatFromHints(mimeType?: string, fileName?: string): AudioFormat | undefined {
	const mime = mimeType?.split(';')[0].trim().toLowerCase();
	if (mime && MIME_HINTS[mime]) return MIME_HINTS[mime];
	const extension = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
	return extension ? EXTENSION_HINTS[extension] : undefined;
}

// MPEG audio frame header: 11 sync bits; the layer bits tell MP3 (layer III) from ADTS AAC (layer 0).
function mpegFrame(bytes: Uint8Array, offset: number): AudioFormat | undefined {
	if (bytes.length < offset + 2 || bytes[offset] !== 0xff || (bytes[offset + 1] & 0xe0) !== 0xe0) {
		return undefined;
	}
	const layer = (bytes[offset + 1] >> 1) & 0x03;
	if ((bytes[offset + 1] & 0xf6) === 0xf0) return 'aac';
	return layer === 1 ? 'mp3' : undefined;
}

// An ISO media file (ftyp box) is audio only when no track handler says "vide".
function isoMedia(bytes: Uint8Array, fileSize: number): Detection {
	const brand = ascii(bytes, 8, 4);
	const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let at = haystack.indexOf('hdlr');
	let hasSound = false;
	while (at !== -1) {
		const handler = ascii(bytes, at + 12, 4);
		if (handler === 'vide') return { supported: false, found: `an MP4/QuickTime video (brand "${brand.trim()}")` };
		if (handler === 'soun') hasSound = true;
		at = haystack.indexOf('hdlr', at + 4);
	}
	if (hasSound || /^M4[ABP] $/.test(brand)) return withAudio('m4a', bytes, fileSize);
	if (brand.startsWith('qt')) return { supported: false, found: 'a QuickTime movie' };
	// Without a handler in these bytes the track list may come later in the file.
	return { supported: false, found: `an MP4 file without an audio track (brand "${brand.trim()}")`, needsWholeFile: true };
}

/**
 * Identifies the audio format from the file's bytes. The MIME type and file name only decide when the
 * bytes match no known signature (for example an MP3 that starts with junk before its first frame).
 * `bytes` may be the file's beginning only; `fileSize` is the whole file's (unknown: Infinity), so that a
 * file that ends right after its header is refused.
 */
export function detectAudioFormat(bytes: Uint8Array, mimeType?: string, fileName?: string, fileSize = bytes.length): Detection {
	if (bytes.length === 0) return { supported: false, found: 'an empty file (0 bytes)' };
	const head4 = ascii(bytes, 0, 4);

	if (head4 === 'RIFF') {
		if (bytes.length < 12) return { supported: false, found: `a RIFF header cut off after ${bytes.length} bytes` };
		const kind = ascii(bytes, 8, 4);
		if (kind === 'WAVE') return withAudio('wav', bytes, fileSize);
		if (kind === 'AVI ') return { supported: false, found: 'an AVI video' };
		if (kind === 'WEBP') return { supported: false, found: 'a WebP image' };
		return { supported: false, found: `a RIFF file of type "${kind}"` };
	}
	if (head4 === 'FORM' && /^AIF[FC]$/.test(ascii(bytes, 8, 4))) return withAudio('aiff', bytes, fileSize);
	if (head4 === 'fLaC') return withAudio('flac', bytes, fileSize);
	if (head4 === 'OggS') {
		// The first packet names the codec; Theora is video.
		return ascii(bytes, 0, 64).includes('theora')
			? { supported: false, found: 'an Ogg Theora video' }
			: withAudio('ogg', bytes, fileSize);
	}
	if (ascii(bytes, 4, 4) === 'ftyp') return isoMedia(bytes, fileSize);
	if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
		return { supported: false, found: 'a WebM/Matroska file' };
	}

	const tagEnd = afterId3(bytes);
	const frame = mpegFrame(bytes, tagEnd);
	if (frame) return supported(frame);
	if (tagEnd > 0) return withAudio('mp3', bytes, fileSize);

	const image = imageKind(bytes);
	if (image) return { supported: false, found: image };

	const hinted = formatFromHints(mimeType, fileName);
	if (hinted && !looksLikeText(bytes)) return supported(hinted);
	return { supported: false, found: looksLikeText(bytes) ? 'text' : 'data in no known audio format' };
}

function imageKind(bytes: Uint8Array): string | undefined {
	const head = ascii(bytes, 0, 8);
	if (head.startsWith('\x89PNG')) return 'a PNG image';
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'a JPEG image';
	if (head.startsWith('GIF8')) return 'a GIF image';
	if (head.startsWith('%PDF')) return 'a PDF document';
	return undefined;
}

function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 512);
	for (const byte of sample) {
		if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) return false;
	}
	return true;
}
