import { ascii, u32be, u32le } from '../../../../nodes/OpenRouterAudio/lib/bytes';

test('ASCII text and 32-bit integers at an offset, both byte orders, above 2^31 too', () => {
	const bytes = Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0xff, 0x00, 0x00, 0x80]);
	expect(ascii(bytes, 0, 4)).toBe('RIFF');
	expect(u32le(bytes, 4)).toBe(0x800000ff);
	expect(u32be(bytes, 4)).toBe(0xff000080);
});
