// data: URIs (RFC 2397) as users paste them: base64 with or without padding, in the URL-safe alphabet,
// wrapped over lines, or percent-encoded. The bytes are decoded so the audio is judged like a binary file.

const HEADER = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)?((?:;[a-z0-9_.-]+=[^;,]*)*)(;base64)?,/i;

export type DecodedDataUri =
	| {
			ok: true;
			/** The declared media type, if any. */
			mimeType?: string;
			bytes: Buffer;
			/** Whether the payload is already standard, padded base64 that fal can take as it is. */
			canonical: boolean;
	  }
	| { ok: false; problem: string };

/**
 * At most the payload's size once decoded, without decoding it: a huge URI is refused before any work, and
 * never one within the limit. Base64 holds 3 bytes in 4 characters; a percent-encoded byte takes 1 to 3.
 */
export function decodedSizeEstimate(uri: string): number {
	const comma = uri.indexOf(',');
	const payload = comma < 0 ? '' : uri.slice(comma + 1);
	return HEADER.exec(uri)?.[3] ? Math.floor((payload.replace(/\s+/g, '').length * 3) / 4) : Math.floor(payload.length / 3);
}

function decodeBase64(payload: string): { bytes: Buffer; canonical: boolean } | undefined {
	let text = payload;
	// base64 that went through URL encoding ("%2B", "%3D") or was wrapped over lines.
	if (text.includes('%')) {
		try {
			text = decodeURIComponent(text);
		} catch {
			return undefined;
		}
	}
	text = text.replace(/\s+/g, '');
	const standard = /[+/]/.test(text);
	const urlSafe = /[-_]/.test(text);
	if (!text || (standard && urlSafe) || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
	const data = text.replace(/=+$/, '');
	if (data.length % 4 === 1 || (text.length !== data.length && text.length % 4 !== 0)) return undefined;
	const bytes = Buffer.from(data, urlSafe ? 'base64url' : 'base64');
	return { bytes, canonical: text === payload && !urlSafe && text.length % 4 === 0 };
}

// Percent-encoding is of bytes: "%FF" is the byte 255, not a character; other characters are UTF-8.
function decodePercent(payload: string): Buffer | undefined {
	const parts: Buffer[] = [];
	let text = '';
	for (let i = 0; i < payload.length; i++) {
		if (payload[i] !== '%') {
			text += payload[i];
			continue;
		}
		const hex = payload.slice(i + 1, i + 3);
		if (!/^[0-9a-f]{2}$/i.test(hex)) return undefined;
		parts.push(Buffer.from(text, 'utf8'), Buffer.from([parseInt(hex, 16)]));
		text = '';
		i += 2;
	}
	parts.push(Buffer.from(text, 'utf8'));
	return Buffer.concat(parts);
}

export function decodeDataUri(uri: string): DecodedDataUri {
	const header = HEADER.exec(uri);
	if (!header) return { ok: false, problem: 'is a malformed data URI' };
	const payload = uri.slice(header[0].length);
	if (!payload.trim()) return { ok: false, problem: 'holds a data URI without data' };
	const mimeType = header[1]?.toLowerCase();
	if (header[3]) {
		const decoded = decodeBase64(payload);
		return decoded ? { ok: true, mimeType, ...decoded } : { ok: false, problem: 'holds a data URI whose data is not valid base64' };
	}
	const bytes = decodePercent(payload);
	return bytes ? { ok: true, mimeType, bytes, canonical: false } : { ok: false, problem: 'holds a data URI with a broken percent-encoding (a "%" not followed by two hex digits)' };
}
