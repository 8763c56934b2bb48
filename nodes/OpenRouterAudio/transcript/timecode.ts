// Times as models write them, and as subtitle formats need them. Models mix styles within one answer
// ("75", "1:15", "00:01:15.000"), so every common form is read; anything else is refused with a reason.

export type ParsedTime = { ok: true; seconds: number } | { ok: false; reason: string };

// [hh:]mm:ss with an optional fraction after "." or "," (SRT writes a comma). Leading field unbounded,
// so "75:30" (minutes past an hour without an hour field) is read as 75 minutes.
const CLOCK_RE = /^(\d+):(\d{1,2})(?::(\d{1,2}))?(?:[.,](\d+))?$/;
// Plain seconds: "12", "12.5", "12,5", optionally with a trailing "s" ("12.5s").
const SECONDS_RE = /^(\d+(?:[.,]\d+)?|[.,]\d+)\s*s?$/i;

const refuse = (reason: string): ParsedTime => ({ ok: false, reason });

/** Reads a time from a model's answer into seconds (a number, never negative). */
export function parseTimecode(value: unknown): ParsedTime {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return refuse(`${value} is not a finite number of seconds`);
		if (value < 0) return refuse(`${value} is negative`);
		return { ok: true, seconds: value };
	}
	if (typeof value !== 'string') {
		return refuse(value === null || value === undefined ? 'it is missing' : `a ${Array.isArray(value) ? 'list' : typeof value} is not a time`);
	}
	// Models sometimes keep the "[mm:ss]" brackets of a plain-text transcript.
	const text = value.trim().replace(/^\[(.*)\]$/, '$1').trim();
	if (text === '') return refuse('it is empty');

	const plain = SECONDS_RE.exec(text);
	if (plain) return { ok: true, seconds: Number(plain[1].replace(',', '.')) };

	const clock = CLOCK_RE.exec(text);
	if (!clock) return refuse(`"${value.slice(0, 40)}" is not a time (expected seconds, mm:ss, or hh:mm:ss.mmm)`);
	const [, first, second, third, fraction] = clock;
	const hasHours = third !== undefined;
	const hours = hasHours ? Number(first) : 0;
	const minutes = hasHours ? Number(second) : Number(first);
	const seconds = Number(hasHours ? third : second);
	if (seconds >= 60) return refuse(`"${value}" has ${seconds} in its seconds field`);
	if (hasHours && minutes >= 60) return refuse(`"${value}" has ${minutes} in its minutes field`);
	const fractionSeconds = fraction ? Number(`0.${fraction}`) : 0;
	return { ok: true, seconds: hours * 3600 + minutes * 60 + seconds + fractionSeconds };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

// Rounding happens once, on whole milliseconds, so 59.9996 carries into the minute: 00:01:00,000.
function clockParts(seconds: number) {
	const totalMs = Math.max(0, Math.round(seconds * 1000));
	return {
		hours: Math.floor(totalMs / 3_600_000),
		minutes: Math.floor(totalMs / 60_000) % 60,
		seconds: Math.floor(totalMs / 1000) % 60,
		ms: totalMs % 1000,
	};
}

/** `hh:mm:ss,mmm` (SRT) or `hh:mm:ss.mmm` (WebVTT); hours grow past two digits when needed. */
export function formatTimecode(seconds: number, separator: ',' | '.'): string {
	const t = clockParts(seconds);
	return `${pad(t.hours, 2)}:${pad(t.minutes, 2)}:${pad(t.seconds, 2)}${separator}${pad(t.ms, 3)}`;
}

export const formatSrtTime = (seconds: number) => formatTimecode(seconds, ',');
export const formatVttTime = (seconds: number) => formatTimecode(seconds, '.');

/** A short reading time for documents: `m:ss`, or `h:mm:ss` from one hour on (whole seconds, floored). */
export function formatClock(seconds: number): string {
	const total = Math.max(0, Math.floor(Math.round(seconds * 1000) / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor(total / 60) % 60;
	const secs = total % 60;
	return hours > 0 ? `${hours}:${pad(minutes, 2)}:${pad(secs, 2)}` : `${minutes}:${pad(secs, 2)}`;
}
