// Audio format detection from a file's first bytes. The endpoint accepts seven formats; anything else
// (video, WebM, images, archives, documents, programs, MIDI, text, empty files) must be caught before it is
// uploaded and paid for, named by what it is.

import { ascii, u32le } from '../lib/bytes';
import { afterId3, CONTAINERS } from './container';

export type AudioFormat = 'wav' | 'mp3' | 'aiff' | 'aac' | 'ogg' | 'flac' | 'm4a';

export const SUPPORTED_FORMATS: readonly AudioFormat[] = ['wav', 'mp3', 'aiff', 'aac', 'ogg', 'flac', 'm4a'];

const CONTENT_TYPES: Record<AudioFormat, string> = {
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
			/** What to do instead, when what the file is suggests it, e.g. extract an archive first. */
			hint?: string;
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


const supported = (format: AudioFormat): Detection => ({
	supported: true,
	format,
	contentType: CONTENT_TYPES[format],
});

/**
 * The header a file of `format` holds no audio after ("its ID3 tag"), or undefined when audio follows or
 * cannot be ruled out from `bytes`. `fileSize` is the whole file's size; `bytes` may be its beginning only.
 */
export function emptyAfter(format: AudioFormat, bytes: Uint8Array, fileSize: number): string | undefined {
	const tagEnd = afterId3(bytes);
	if (tagEnd > 0) return tagEnd >= fileSize ? 'its ID3 tag' : undefined;
	if (format === 'mp3' || format === 'aac') return undefined;
	const container = CONTAINERS[format];
	return container.audioFollows(bytes, fileSize) === false ? container.header : undefined;
}

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
function isoMediaKind(bytes: Uint8Array, fileSize: number): Detection {
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
		if (kind === 'WEBP') return { supported: false, found: 'a WebP image', hint: HINTS.noSound };
		if (kind === 'RMID') return { supported: false, found: 'a MIDI file (RIFF)', hint: HINTS.midi };
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
	if (ascii(bytes, 4, 4) === 'ftyp') return isoMediaKind(bytes, fileSize);
	if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
		return { supported: false, found: 'a WebM/Matroska file' };
	}

	const tagEnd = afterId3(bytes);
	const frame = mpegFrame(bytes, tagEnd);
	if (frame) return supported(frame);
	if (tagEnd > 0) return withAudio('mp3', bytes, fileSize);

	// Known files that are not audio are refused by what they are, whatever their name or MIME type says.
	const other = notAudio(bytes);
	if (other) return { supported: false, ...other };

	const hinted = formatFromHints(mimeType, fileName);
	if (hinted) return supported(hinted);
	return { supported: false, found: 'data in no known audio format' };
}

const HINTS = {
	archive: 'If the audio is inside the archive, extract it first (for example with the Compression node) and pass the extracted file.',
	noSound: 'This file holds no sound: check that the audio file is passed, not another file of the item.',
	midi: 'A MIDI file holds notes for a synthesizer, not recorded sound: render it to audio (for example WAV or MP3) first.',
	text: 'Text where audio was expected is often an error page or message that a download returned instead of the file: check the request that fetched it.',
};

const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** The names of the ZIP entries whose local headers ("PK\x03\x04", name length at 26, name at 30) are in `bytes`. */
function zipEntryNames(bytes: Uint8Array): string[] {
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const names: string[] = [];
	for (let at = buffer.indexOf('PK\x03\x04', 0, 'latin1'); at !== -1 && at + 30 <= buffer.length; at = buffer.indexOf('PK\x03\x04', at + 4, 'latin1')) {
		names.push(buffer.toString('latin1', at + 30, at + 30 + buffer.readUInt16LE(at + 26)));
	}
	return names;
}

/** ZIP, and the Office documents that are ZIP archives, told apart by the folders their entries are in. */
function zipKind(bytes: Uint8Array): { found: string; hint: string } {
	const folders = new Set(zipEntryNames(bytes).map((name) => name.split('/')[0]));
	if (folders.has('word')) return { found: 'a Word document (DOCX, a ZIP archive)', hint: HINTS.noSound };
	if (folders.has('xl')) return { found: 'an Excel workbook (XLSX, a ZIP archive)', hint: HINTS.noSound };
	if (folders.has('ppt')) return { found: 'a PowerPoint presentation (PPTX, a ZIP archive)', hint: HINTS.noSound };
	return { found: 'a ZIP archive', hint: HINTS.archive };
}

/** Text by its first characters: an HTML page, XML, JSON, or plain text. */
function textKind(bytes: Uint8Array): string {
	const text = new TextDecoder().decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
	if (/^<!doctype\s+html/i.test(text) || (text.startsWith('<') && /<(html|head|body)[\s>]/i.test(text))) return 'an HTML page';
	if (/^<(\?xml|[A-Za-z_][\w:.-]*[\s/>])/.test(text)) return 'an XML document';
	if (/^(\{\s*("|\})|\[\s*([[{"\]\d-]|true|false|null))/.test(text)) return 'JSON text';
	return 'plain text';
}

/**
 * What a file that is certainly not audio is, by its signature: archives, documents, images, programs,
 * databases, MIDI and text. Undefined for anything else, which may still be audio (junk before an MP3 frame).
 */
function notAudio(bytes: Uint8Array): { found: string; hint: string } | undefined {
	const head = ascii(bytes, 0, 16);
	const starts = (...signatures: string[]) => signatures.some((signature) => head.startsWith(signature));
	if (starts('PK\x03\x04', 'PK\x05\x06', 'PK\x07\x08')) return zipKind(bytes);
	if (starts('\x1f\x8b\x08')) return { found: 'a gzip archive', hint: HINTS.archive };
	if (starts('7z\xbc\xaf\x27\x1c')) return { found: 'a 7z archive', hint: HINTS.archive };
	if (starts('Rar!\x1a\x07\x00', 'Rar!\x1a\x07\x01\x00')) return { found: 'a RAR archive', hint: HINTS.archive };
	if (starts('%PDF-')) return { found: 'a PDF document', hint: HINTS.noSound };
	if (starts('\x89PNG\r\n\x1a\n')) return { found: 'a PNG image', hint: HINTS.noSound };
	if (starts('\xff\xd8\xff')) return { found: 'a JPEG image', hint: HINTS.noSound };
	if (starts('GIF87a', 'GIF89a')) return { found: 'a GIF image', hint: HINTS.noSound };
	// BMP: "BM", the file size, four reserved zero bytes, the pixel offset, then a DIB header of known size.
	if (starts('BM') && bytes.length >= 18 && u32le(bytes, 6) === 0 && BMP_HEADER_SIZES.has(u32le(bytes, 14))) {
		return { found: 'a BMP image', hint: HINTS.noSound };
	}
	if (starts('II*\x00', 'MM\x00*')) return { found: 'a TIFF image', hint: HINTS.noSound };
	// A Windows program: the DOS header "MZ" points (at 0x3C) to the "PE" header, when that is within the bytes.
	if (starts('MZ') && bytes.length >= 64) {
		const pe = u32le(bytes, 0x3c);
		if (pe + 4 > bytes.length || ascii(bytes, pe, 4) === 'PE\x00\x00') return { found: 'a Windows program (EXE/DLL)', hint: HINTS.noSound };
	}
	if (starts('\x7fELF')) return { found: 'a Linux/Unix program (ELF)', hint: HINTS.noSound };
	if (starts('SQLite format 3\x00')) return { found: 'an SQLite database', hint: HINTS.noSound };
	if (starts('MThd\x00\x00\x00\x06')) return { found: 'a MIDI file', hint: HINTS.midi };
	if (looksLikeText(bytes)) return { found: textKind(bytes), hint: HINTS.text };
	return undefined;
}

function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 512);
	for (const byte of sample) {
		if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) return false;
	}
	return true;
}
