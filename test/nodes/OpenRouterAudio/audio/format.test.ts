import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { detectAudioFormat, formatFromHints } from '../../../../nodes/OpenRouterAudio/audio/format';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/audio', name));

describe('detectAudioFormat on real files made with ffmpeg and sox', () => {
	test.each([
		['speech.wav', 'wav', 'audio/wav'],
		['speech.mp3', 'mp3', 'audio/mpeg'],
		['speech-noid3.mp3', 'mp3', 'audio/mpeg'],
		['speech.aiff', 'aiff', 'audio/aiff'],
		['speech.aac', 'aac', 'audio/aac'],
		['speech.ogg', 'ogg', 'audio/ogg'],
		['speech.flac', 'flac', 'audio/flac'],
		['speech.m4a', 'm4a', 'audio/mp4'],
	])('%s is %s', (file, format, contentType) => {
		// Misleading hints must not win over the bytes.
		expect(detectAudioFormat(fixture(file), 'application/octet-stream', 'upload.bin')).toEqual({
			supported: true,
			format,
			contentType,
		});
	});

	test.each([
		['video.mp4', /MP4\/QuickTime video/],
		['speech.webm', /WebM\/Matroska/],
		['image.png', /PNG image/],
		['empty.bin', /empty file/],
		['text.txt', /^plain text$/],
	])('%s is refused and named', (file, found) => {
		const result = detectAudioFormat(fixture(file), 'audio/mpeg', 'song.mp3');
		expect(result.supported).toBe(false);
		expect(result.supported === false && result.found).toMatch(found);
	});
});

describe('hints decide only when the bytes are unknown', () => {
	const junk = Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x00, 0x00, 0x00, 0x00]);

	test('an unrecognised binary with an audio MIME type is trusted', () => {
		expect(detectAudioFormat(junk, 'audio/x-m4a')).toMatchObject({ supported: true, format: 'm4a' });
	});

	test('an unrecognised binary with an audio file name is trusted', () => {
		expect(detectAudioFormat(junk, undefined, 'Meeting.FLAC')).toMatchObject({ supported: true, format: 'flac' });
	});

	test('an unrecognised binary without hints is refused', () => {
		expect(detectAudioFormat(junk)).toEqual({ supported: false, found: 'data in no known audio format' });
	});

	test('formatFromHints ignores MIME parameters and case', () => {
		expect(formatFromHints('Audio/MPEG; charset=binary')).toBe('mp3');
		expect(formatFromHints(undefined, 'x.aif')).toBe('aiff');
		expect(formatFromHints('video/mp4', 'clip.mov')).toBeUndefined();
	});
});

// Files that are certainly not audio, as users send them under an audio name: each is refused by its
// signature, named by what it is, whatever the MIME type and file name claim.
const bytes = (...parts: Array<string | number[] | Uint8Array>) =>
	Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
/** A ZIP local file header for an entry stored under `name`, with some data. */
const zipEntry = (name: string) => bytes('PK\x03\x04', [20, 0, 0, 0, 0, 0, 0, 0, 0, 0], le32(0), le32(4), le32(4), [name.length, 0, 0, 0], name, 'data');
const dosExe = (withPe: boolean) => {
	const header = Buffer.alloc(0x80);
	header.write('MZ', 0, 'latin1');
	header.writeUInt32LE(0x40, 0x3c);
	if (withPe) header.write('PE\x00\x00', 0x40, 'latin1');
	return header;
};
const bmp = bytes('BM', le32(70), le32(0), le32(54), le32(40), le32(1), le32(1), [1, 0, 24, 0], Buffer.alloc(24));

describe('known files that are not audio are refused by their signature, named by what they are', () => {
	test.each<[string, Uint8Array, RegExp | string]>([
		['ZIP', bytes(zipEntry('notes.txt'), zipEntry('song.wav')), 'a ZIP archive'],
		['a ZIP whose data, not its entry names, mentions "word/"', bytes(zipEntry('notes.txt'), 'see word/ and xl/ folders'), 'a ZIP archive'],
		['an empty ZIP', bytes('PK\x05\x06', Buffer.alloc(18)), 'a ZIP archive'],
		['DOCX', bytes(zipEntry('[Content_Types].xml'), zipEntry('_rels/.rels'), zipEntry('word/document.xml')), 'a Word document (DOCX, a ZIP archive)'],
		['XLSX', bytes(zipEntry('[Content_Types].xml'), zipEntry('xl/workbook.xml')), 'an Excel workbook (XLSX, a ZIP archive)'],
		['PPTX', bytes(zipEntry('[Content_Types].xml'), zipEntry('ppt/presentation.xml')), 'a PowerPoint presentation (PPTX, a ZIP archive)'],
		['gzip', gzipSync(Buffer.from('not audio at all')), 'a gzip archive'],
		['7z', bytes('7z\xbc\xaf\x27\x1c', [0, 4], Buffer.alloc(26)), 'a 7z archive'],
		['RAR 4', bytes('Rar!\x1a\x07\x00', Buffer.alloc(16)), 'a RAR archive'],
		['RAR 5', bytes('Rar!\x1a\x07\x01\x00', Buffer.alloc(16)), 'a RAR archive'],
		['PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'), 'a PDF document'],
		['PNG', readFileSync(join(__dirname, '../../../fixtures/audio/image.png')), 'a PNG image'],
		['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\x00', Buffer.alloc(16)), 'a JPEG image'],
		['GIF', bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0], Buffer.alloc(8)), 'a GIF image'],
		['WebP', bytes('RIFF', le32(30), 'WEBPVP8 ', Buffer.alloc(22)), 'a WebP image'],
		['BMP', bmp, 'a BMP image'],
		['TIFF (little-endian)', bytes('II*\x00', le32(8), Buffer.alloc(8)), 'a TIFF image'],
		['TIFF (big-endian)', bytes('MM\x00*', [0, 0, 0, 8], Buffer.alloc(8)), 'a TIFF image'],
		['a Windows program', dosExe(true), 'a Windows program (EXE/DLL)'],
		['a Windows program whose PE header is past the bytes read', dosExe(false).subarray(0, 64), 'a Windows program (EXE/DLL)'],
		['ELF', bytes('\x7fELF', [2, 1, 1, 0], Buffer.alloc(8)), 'a Linux/Unix program (ELF)'],
		['SQLite', bytes('SQLite format 3\x00', [0x10, 0, 1, 1]), 'an SQLite database'],
		['MIDI', bytes('MThd', [0, 0, 0, 6, 0, 1, 0, 2, 0, 0x60], 'MTrk'), 'a MIDI file'],
		['MIDI in RIFF', bytes('RIFF', le32(30), 'RMIDdata', Buffer.alloc(22)), 'a MIDI file (RIFF)'],
		['HTML', bytes('\n  <!DOCTYPE html>\n<html><body>403 Forbidden</body></html>'), 'an HTML page'],
		['HTML without a doctype', bytes('<html lang="en"><head><title>Error</title></head></html>'), 'an HTML page'],
		['XHTML', bytes('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), 'an HTML page'],
		['XML', bytes('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>'), 'an XML document'],
		['XML without a prolog', bytes('<Error><Code>NoSuchKey</Code></Error>'), 'an XML document'],
		['JSON (UTF-8, with a byte order mark)', Buffer.from('\ufeff{"error": {"message": "file not found"}}', 'utf8'), 'JSON text'],
		['a JSON array', bytes('[{"id": 1}]'), 'JSON text'],
		['plain text', bytes('Hello, this is a transcript, not a recording.\n'), 'plain text'],
	])('%s', (_name, file, found) => {
		for (const [mimeType, fileName] of [['audio/mpeg', 'report.mp3'], [undefined, 'report.wav'], ['audio/x-m4a', undefined]] as const) {
			const result = detectAudioFormat(file, mimeType, fileName);
			expect(result).toMatchObject({ supported: false, found, hint: expect.any(String) });
		}
	});

	test('RIFF....WAVE stays WAV and RIFF....WEBP an image: the type at byte 8 decides', () => {
		const wav = readFileSync(join(__dirname, '../../../fixtures/audio/speech.wav'));
		expect(detectAudioFormat(wav, 'image/webp', 'photo.webp')).toMatchObject({ supported: true, format: 'wav' });
		const webp = Buffer.from(wav);
		webp.write('WEBP', 8, 'latin1');
		expect(detectAudioFormat(webp, 'audio/wav', 'speech.wav')).toMatchObject({ supported: false, found: 'a WebP image' });
	});

	test('real audio with junk before its first MP3 frame is still trusted by its name, as before', () => {
		const frames = readFileSync(join(__dirname, '../../../fixtures/audio/speech-noid3.mp3'));
		const junk = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x0d, 0x0a, 0x00, 0x00]);
		expect(detectAudioFormat(Buffer.concat([junk, frames]), undefined, 'call.mp3')).toMatchObject({ supported: true, format: 'mp3' });
	});

	test('"MZ" alone is not taken for a program: a header whose PE pointer leads elsewhere is left to the hints', () => {
		const header = dosExe(false);
		header.write('XX', 0x40, 'latin1');
		expect(detectAudioFormat(header, 'audio/mpeg')).toMatchObject({ supported: true, format: 'mp3' });
	});

	test('"BM" alone is not taken for a bitmap', () => {
		expect(detectAudioFormat(bytes('BM', Buffer.alloc(30)), 'audio/mpeg')).toMatchObject({ supported: true, format: 'mp3' });
	});
});
