import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
		['text.txt', /^text$/],
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
