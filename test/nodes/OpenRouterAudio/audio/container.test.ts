import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { detectAudioFormat } from '../../../../nodes/OpenRouterAudio/audio/format';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/audio', name));
const id3 = (size: number) => Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);

// Header-only files: recognised by their signature, but nothing to listen to after it.
const headerOnly: Array<[string, Buffer, string]> = [
	['a 10-byte ID3 tag', id3(0), 'its ID3 tag'],
	['an ID3 tag with padding and no frames', Buffer.concat([id3(64), Buffer.alloc(64)]), 'its ID3 tag'],
	['an ID3 tag that claims more bytes than the file has', id3(5000), 'its ID3 tag'],
	['a bare 12-byte RIFF/WAVE header', fixture('speech.wav').subarray(0, 12), 'its WAV header'],
	['a WAV header with fmt and an empty data chunk', fixture('speech.wav').subarray(0, 44), 'its WAV header'],
	['a WAV with a fmt chunk and no data chunk', fixture('speech.wav').subarray(0, 36), 'its WAV header'],
	['an AIFF cut off before its samples', fixture('speech.aiff').subarray(0, 54), 'its AIFF header'],
	['"fLaC" alone', Buffer.from('fLaC'), 'its FLAC header'],
	['a FLAC with metadata only', fixture('speech.flac').subarray(0, 136), 'its FLAC header'],
	['an Ogg Vorbis stream with its three header packets only', fixture('speech.ogg').subarray(0, 2620), 'its Ogg headers'],
	['an Ogg page header with no packets', fixture('speech.ogg').subarray(0, 27), 'its Ogg headers'],
	['an M4A with its track list but no media data', Buffer.concat([fixture('speech.m4a').subarray(0, 36), fixture('speech.m4a').subarray(2770)]), 'its MP4 header'],
];

describe('an audio file must hold audio after its container header', () => {
	test.each(headerOnly)('%s is refused: no audio after %s', (_, bytes, header) => {
		const detection = detectAudioFormat(bytes, 'audio/mpeg', 'song.mp3');
		expect(detection).toMatchObject({ supported: false, emptyAfter: header });
		expect(detection.supported === false && detection.found).toMatch(/file with no audio after/);
	});

	test.each(['speech.wav', 'speech.mp3', 'speech-noid3.mp3', 'speech.aiff', 'speech.aac', 'speech.ogg', 'speech.flac', 'speech.m4a'])(
		'%s holds audio, read whole or by its first bytes only',
		(file) => {
			const bytes = fixture(file);
			expect(detectAudioFormat(bytes).supported).toBe(true);
			// The binary reader sees the first chunk before the size is certain, then the first chunk with the size.
			expect(detectAudioFormat(bytes.subarray(0, 48), undefined, undefined, Number.POSITIVE_INFINITY).supported).toBe(true);
			expect(detectAudioFormat(bytes.subarray(0, 48), undefined, undefined, bytes.length).supported).toBe(true);
		},
	);

	test('an ID3 tag larger than the bytes read so far is audio when the file goes on', () => {
		expect(detectAudioFormat(id3(100_000), undefined, undefined, 200_000)).toMatchObject({ supported: true, format: 'mp3' });
		expect(detectAudioFormat(id3(100_000), undefined, undefined, 100_010)).toMatchObject({ supported: false, emptyAfter: 'its ID3 tag' });
	});

	test('a WAV whose data chunk lies beyond the bytes read so far is given the benefit', () => {
		const list = Buffer.alloc(8);
		list.write('LIST', 0, 'latin1');
		list.writeUInt32LE(100_000, 4);
		const head = Buffer.concat([fixture('speech.wav').subarray(0, 36), list]);
		expect(detectAudioFormat(head, undefined, undefined, 200_000).supported).toBe(true);
		expect(detectAudioFormat(head, undefined, undefined, 100_044).supported).toBe(false);
	});

	test('an M4A whose media data box is empty is refused; its boxes are walked, not searched', () => {
		const m4a = fixture('speech.m4a');
		const emptyMdat = Buffer.from([0, 0, 0, 8, 0x6d, 0x64, 0x61, 0x74]);
		const bytes = Buffer.concat([m4a.subarray(0, 36), emptyMdat, m4a.subarray(2770)]);
		expect(detectAudioFormat(bytes)).toMatchObject({ supported: false, emptyAfter: 'its MP4 header' });
		expect(detectAudioFormat(Buffer.concat([m4a.subarray(0, 36), m4a.subarray(2770), m4a.subarray(36, 2770)])).supported).toBe(true);
	});

	test('a RIFF header cut off before its type is named as such', () => {
		expect(detectAudioFormat(Buffer.from('RIFF'))).toEqual({ supported: false, found: 'a RIFF header cut off after 4 bytes' });
	});
});
