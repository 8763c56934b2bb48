// Text for messages: how a value is named, a short excerpt of a long text, and the inside of a code fence.

/** How a value that should have been text is named in a message: "a number", "an array", "null". */
export function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	const type = typeof value;
	return type === 'object' ? 'an object' : `a ${type}`;
}

/** The start of `text` on one line: whitespace folded, at most `max` characters, "…" where it was cut. */
export function excerpt(text: string, max = 200): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * The inside of the first Markdown code fence in `text` (models wrap JSON in one, often with a sentence
 * before or after it, even when asked not to), else `text`; trimmed either way.
 */
export function unfence(text: string): string {
	const fenced = /```[a-zA-Z0-9_-]*[^\S\n]*\n([\s\S]*?)```/.exec(text);
	return (fenced ? fenced[1] : text).trim();
}
