import { decodeDataUri, decodedSizeEstimate } from '../../../../nodes/OpenRouterAudio/audio/dataUri';

const bytes = Buffer.from([0x52, 0x49, 0x46, 0x46, 0xff, 0xfe, 0x3e, 0x3f, 0x00]);
const b64 = bytes.toString('base64'); // "UklGRv/+Pj8A": uses "/" and "+"

describe('decodeDataUri', () => {
	test('standard padded base64 is canonical', () => {
		expect(decodeDataUri(`data:audio/wav;base64,${b64}`)).toEqual({ ok: true, mimeType: 'audio/wav', bytes, canonical: true });
	});

	test.each([
		['unpadded', `data:audio/wav;base64,${Buffer.from('abcd').toString('base64').replace(/=+$/, '')}`, Buffer.from('abcd')],
		['URL-safe', `data:audio/wav;base64,${bytes.toString('base64url')}`, bytes],
		['wrapped over lines', `data:audio/wav;base64,${b64.slice(0, 4)}\n${b64.slice(4)}`, bytes],
		['URL-encoded', `data:audio/wav;base64,${encodeURIComponent(b64)}`, bytes],
		['percent-encoded bytes, not base64', 'data:audio/wav,RIFF%FF%FE%3E%3F%00', bytes],
	])('%s: decoded, not canonical', (_, uri, expected) => {
		expect(decodeDataUri(uri)).toMatchObject({ ok: true, bytes: expected, canonical: false });
	});

	test('without a media type', () => {
		expect(decodeDataUri(`data:;base64,${b64}`)).toMatchObject({ ok: true, mimeType: undefined, bytes });
		expect(decodeDataUri(`data:;name=x.wav;base64,${b64}`)).toMatchObject({ ok: true, mimeType: undefined, bytes });
	});

	test.each([
		['data:audio/wav;base64', 'is a malformed data URI'],
		['data:audio/wav;base64,', 'holds a data URI without data'],
		['data:audio/wav;base64,@@not base64@@', 'holds a data URI whose data is not valid base64'],
		['data:audio/wav;base64,ab+c-d==', 'holds a data URI whose data is not valid base64'],
		['data:audio/wav;base64,QUJDR', 'holds a data URI whose data is not valid base64'],
		['data:audio/wav;base64,QQ=', 'holds a data URI whose data is not valid base64'],
		['data:audio/wav;base64,QQ==QQ==', 'holds a data URI whose data is not valid base64'],
		['data:audio/wav,RIFF%G0', 'holds a data URI with a broken percent-encoding (a "%" not followed by two hex digits)'],
	])('%j %s', (uri, problem) => {
		expect(decodeDataUri(uri)).toEqual({ ok: false, problem });
	});

	test('the decoded size is estimated before decoding, for the size limit', () => {
		expect(decodedSizeEstimate(`data:audio/wav;base64,${'A'.repeat(400)}`)).toBe(300);
		expect(decodedSizeEstimate(`data:audio/wav;base64,${'A'.repeat(200)}\n${'A'.repeat(200)}`)).toBe(300);
		// Percent-encoded: a lower bound, so a file within the limit is never refused before decoding.
		expect(decodedSizeEstimate('data:audio/wav,%FF%FF%FF')).toBe(3);
	});
});
