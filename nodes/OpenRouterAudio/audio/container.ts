// Whether an audio file holds any audio after its container's header. A 10-byte ID3 tag, a bare RIFF/WAVE
// header or an Ogg stream with only its codec headers is recognised as audio by its signature, but fal
// would be paid to analyse silence (or fail on it), so these are refused before upload.

import { ascii, u32be, u32le } from '../lib/bytes';

/** Where an ID3v2 tag at the start ends (0 without one); its size is a 28-bit "synchsafe" integer. */
export function afterId3(bytes: Uint8Array): number {
	if (bytes.length < 10 || ascii(bytes, 0, 3) !== 'ID3') return 0;
	const size = (bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9];
	const footer = bytes[5] & 0x10 ? 10 : 0;
	return 10 + size + footer;
}

// Each walker answers true (audio follows the header), false (the file ends first) or undefined (the bytes
// read so far end before the answer: a large metadata chunk, say; then the file is given the benefit).
type Answer = boolean | undefined;

/** RIFF (WAV) and IFF (AIFF) chunks: id, size, payload padded to an even length. */
function chunks(bytes: Uint8Array, fileSize: number, audioChunk: string, littleEndian: boolean, skip: number): Answer {
	let at = 12;
	while (at + 8 <= bytes.length) {
		const size = littleEndian ? u32le(bytes, at + 4) : u32be(bytes, at + 4);
		if (ascii(bytes, at, 4) === audioChunk) return at + 8 + skip < fileSize;
		at += 8 + size + (size & 1);
	}
	return at + 8 <= fileSize && at + 8 > bytes.length ? undefined : false;
}

/** FLAC: "fLaC", then metadata blocks (1-byte flags and type, 3-byte length) until the one marked last. */
function flac(bytes: Uint8Array, fileSize: number): Answer {
	let at = 4;
	while (at + 4 <= bytes.length) {
		const last = (bytes[at] & 0x80) !== 0;
		at += 4 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
		if (last) return at < fileSize;
	}
	return at + 4 <= fileSize && at + 4 > bytes.length ? undefined : false;
}

/** ISO media (m4a): top-level boxes; the audio lives in a non-empty "mdat". */
function mp4(bytes: Uint8Array, fileSize: number): Answer {
	let at = 0;
	while (at + 8 <= bytes.length) {
		let size = u32be(bytes, at);
		let header = 8;
		if (size === 1) {
			if (at + 16 > bytes.length) return undefined;
			size = u32be(bytes, at + 8) * 2 ** 32 + u32be(bytes, at + 12);
			header = 16;
		} else if (size === 0) {
			size = fileSize - at;
		}
		if (ascii(bytes, at + 4, 4) === 'mdat' && size > header && at + header < fileSize) return true;
		if (size < header) return false;
		at += size;
	}
	return at + 8 <= fileSize && at + 8 > bytes.length ? undefined : false;
}

/** How many packets an Ogg stream's codec uses for its headers, from its first packet. */
function oggHeaderPackets(first: Uint8Array): number {
	if (ascii(first, 1, 6) === 'vorbis') return 3;
	if (ascii(first, 0, 8) === 'OpusHead' || ascii(first, 0, 8) === 'Speex   ') return 2;
	if (ascii(first, 1, 4) === 'FLAC') return 1 + ((first[7] << 8) | first[8]);
	return 1;
}

/** Ogg: pages of packets; audio is any packet after the codec's header packets. Judged on whole files only. */
function ogg(bytes: Uint8Array, fileSize: number): Answer {
	if (bytes.length < fileSize) return undefined;
	let at = 0;
	let packets = 0;
	let first: Uint8Array | undefined;
	let packetStart = -1;
	while (at + 27 <= bytes.length && ascii(bytes, at, 4) === 'OggS') {
		const segments = bytes[at + 26];
		let body = at + 27 + segments;
		for (let i = 0; i < segments; i++) {
			const lacing = bytes[at + 27 + i];
			if (packetStart < 0) packetStart = body;
			body += lacing;
			if (lacing < 255) {
				first ??= bytes.subarray(packetStart, body);
				packets++;
				packetStart = -1;
			}
		}
		at = body;
	}
	return first !== undefined && packets > oggHeaderPackets(first);
}

/** The containers whose header is walked, each with what the header is called and whether audio follows it. */
export const CONTAINERS = {
	wav: { header: 'its WAV header', audioFollows: (bytes: Uint8Array, fileSize: number) => chunks(bytes, fileSize, 'data', true, 0) },
	aiff: { header: 'its AIFF header', audioFollows: (bytes: Uint8Array, fileSize: number) => chunks(bytes, fileSize, 'SSND', false, 8) },
	flac: { header: 'its FLAC header', audioFollows: flac },
	ogg: { header: 'its Ogg headers', audioFollows: ogg },
	m4a: { header: 'its MP4 header', audioFollows: mp4 },
} satisfies Record<string, { header: string; audioFollows: (bytes: Uint8Array, fileSize: number) => Answer }>;
