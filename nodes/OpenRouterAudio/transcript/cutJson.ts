// Reading an answer that ends inside its JSON, as one cut off at a token limit does: a scanner that checks
// the answer is a valid beginning of a JSON document (strings, escapes, numbers, literals, nesting) and
// notes where each element of the segments list ends, so the complete ones can be kept. No guessing:
// anything that is not a valid beginning of JSON, or a JSON value that ends before the answer does, is
// not a cut-off answer.

/** The part of a cut-off answer that can be kept. */
export interface KeptList {
	/** The answer's JSON up to the end of its last complete list element (or of the list), brackets closed. */
	json: string;
	/** Complete elements of the list. */
	complete: number;
	/** The list itself was closed: every element the model wrote is complete. */
	closed: boolean;
	/** The list was closed and only whitespace follows it: just the closing brackets after it are missing. */
	endsAfterList: boolean;
}

export type CutScan =
	/** Not JSON, or a JSON value that closes before the answer ends: the answer was not cut off mid-way. */
	| { cut: false }
	/** The answer ends inside its JSON. `list` is absent when it ends before the list began. */
	| { cut: true; list?: KeptList };

/** What may come next in the JSON. */
type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd';

/** A token, by its first character: punctuation, a string, or a number or literal. */
type Kind = '{' | '[' | '}' | ']' | ',' | ':' | 'string' | 'scalar';

const ACCEPTS: Record<Expect, ReadonlySet<Kind>> = {
	value: new Set(['{', '[', 'string', 'scalar']),
	valueOrEnd: new Set(['{', '[', 'string', 'scalar', ']']),
	key: new Set(['string']),
	keyOrEnd: new Set(['string', '}']),
	colon: new Set([':']),
	commaOrEnd: new Set([',', '}', ']']),
};

const CLOSER = { '{': '}', '[': ']' } as const;

interface Frame {
	kind: '{' | '[';
	/** This array is the segments list. */
	list: boolean;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const PUNCTUATION = new Set(['{', '[', '}', ']', ',', ':']);
const NUMBER_CHAR = /[-+.eE0-9]/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
// A number cut anywhere: every beginning of a valid number matches.
const NUMBER_BEGINNING = /^-?((0|[1-9][0-9]*)(\.([0-9]+([eE]([-+]?[0-9]*)?)?)?|[eE][-+]?[0-9]*)?)?$/;
const LITERAL_CHAR = /[a-z]/;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]*$/;

function kindOf(char: string): Kind | undefined {
	if (PUNCTUATION.has(char)) return char as Kind;
	if (char === '"') return 'string';
	if (char === '-' || (char >= '0' && char <= '9') || LITERAL_CHAR.test(char)) return 'scalar';
	return undefined;
}

/** Where a string token that starts at `from` (its opening quote) ends: the index after its closing quote. */
function stringEnd(text: string, from: number): number | 'cut' | 'invalid' {
	let index = from + 1;
	while (index < text.length) {
		const char = text[index];
		if (char === '"') return index + 1;
		if (char.charCodeAt(0) < 0x20) return 'invalid';
		if (char !== '\\') {
			index++;
			continue;
		}
		const escaped = text[index + 1];
		if (escaped === undefined) return 'cut';
		if (escaped !== 'u') {
			if (!ESCAPES.has(escaped)) return 'invalid';
			index += 2;
			continue;
		}
		const hex = text.slice(index + 2, index + 6);
		if (!HEX.test(hex)) return 'invalid';
		if (hex.length < 4) return 'cut';
		index += 6;
	}
	return 'cut';
}

/** Where a number or literal that starts at `from` ends; one the text ends in is 'cut' if it could still become valid. */
function scalarEnd(text: string, from: number): number | 'cut' | 'invalid' {
	const isNumber = !LITERAL_CHAR.test(text[from]);
	const chars = isNumber ? NUMBER_CHAR : LITERAL_CHAR;
	let end = from;
	while (end < text.length && chars.test(text[end])) end++;
	const token = text.slice(from, end);
	if (end === text.length) {
		const beginsValid = isNumber ? NUMBER_BEGINNING.test(token) : LITERALS.some((literal) => literal.startsWith(token));
		return beginsValid ? 'cut' : 'invalid';
	}
	const valid = isNumber ? NUMBER.test(token) : LITERALS.includes(token);
	return valid ? end : 'invalid';
}

/** Where the token of `kind` that starts at `from` ends. */
function tokenEnd(text: string, from: number, kind: Kind): number | 'cut' | 'invalid' {
	if (kind === 'string') return stringEnd(text, from);
	if (kind === 'scalar') return scalarEnd(text, from);
	return from + 1;
}

function skipWhitespace(text: string, from: number): number {
	let index = from;
	while (index < text.length && WHITESPACE.has(text[index])) index++;
	return index;
}

/** The scanner's state: the open brackets, what may come next, and the part of the list kept so far. */
class JsonScan {
	private readonly stack: Frame[] = [];
	private expect: Expect = 'value';
	/** The last key read in the outermost object. */
	private key: string | undefined;
	private listSeen = false;
	private complete = 0;
	// Where the kept part ends and the brackets that close it; the text is cut out once, at the end.
	private kept: { end: number; closers: string; complete: number; closed: boolean } | undefined;

	constructor(
		private readonly text: string,
		private readonly start: number,
		private readonly listKeys: readonly string[],
	) {}

	/** A token of `kind` may come next: allowed here, and a closing bracket matches the open one. */
	accepts(kind: Kind): boolean {
		if (!ACCEPTS[this.expect].has(kind)) return false;
		return (kind !== '}' && kind !== ']') || kind === CLOSER[this.top().kind];
	}

	/** Takes the token of `kind` from `from` to `end`. Returns true when it ended the outermost value: the JSON is whole. */
	take(kind: Kind, from: number, end: number): boolean {
		switch (kind) {
			case '{':
			case '[':
				this.open(kind);
				return false;
			case '}':
			case ']':
				return this.close(end);
			case ',':
				this.expect = this.top().kind === '{' ? 'key' : 'value';
				return false;
			case ':':
				this.expect = 'value';
				return false;
			case 'string':
				if (this.expect !== 'key' && this.expect !== 'keyOrEnd') return this.valueEnded(end);
				this.key = this.stack.length === 1 ? (JSON.parse(this.text.slice(from, end)) as string) : undefined;
				this.expect = 'colon';
				return false;
			case 'scalar':
				return this.valueEnded(end);
		}
	}

	/** The answer ends here, inside its JSON: what of the list can be kept. */
	cutOff(): CutScan {
		const kept = this.kept;
		if (!kept) return { cut: true };
		return {
			cut: true,
			list: {
				json: this.text.slice(this.start, kept.end) + kept.closers,
				complete: kept.complete,
				closed: kept.closed,
				endsAfterList: kept.closed && this.text.slice(kept.end).trim() === '',
			},
		};
	}

	private top(): Frame {
		return this.stack[this.stack.length - 1];
	}

	private open(kind: Frame['kind']): void {
		const inRootObject = this.stack.length === 1 && this.stack[0].kind === '{';
		const underListKey = inRootObject && this.key !== undefined && this.listKeys.includes(this.key);
		const list = kind === '[' && !this.listSeen && (this.stack.length === 0 || underListKey);
		if (list) this.listSeen = true;
		this.stack.push({ kind, list });
		this.expect = kind === '{' ? 'keyOrEnd' : 'valueOrEnd';
	}

	private close(end: number): boolean {
		const frame = this.stack.pop()!;
		if (frame.list) this.kept = { end, closers: this.closers(), complete: this.complete, closed: true };
		return this.valueEnded(end);
	}

	/** A value ended just before `end`: an element of the list is complete when the list holds it. */
	private valueEnded(end: number): boolean {
		if (this.stack.length === 0) return true;
		this.expect = 'commaOrEnd';
		if (this.top().list) {
			this.complete++;
			this.kept = { end, closers: this.closers(), complete: this.complete, closed: false };
		}
		return false;
	}

	private closers(): string {
		return this.stack
			.map((frame) => CLOSER[frame.kind])
			.reverse()
			.join('');
	}
}

/**
 * Scans `text` from its first `{` or `[` (prose or an opening code fence before it is skipped). The segments
 * list is the outermost array, or the first array under one of `listKeys` in the outermost object, as
 * normalizeSegments looks for it.
 */
export function scanCutJson(text: string, listKeys: readonly string[]): CutScan {
	const start = text.search(/[[{]/);
	if (start < 0) return { cut: false };
	const scan = new JsonScan(text, start, listKeys);
	for (let index = start; (index = skipWhitespace(text, index)) < text.length; ) {
		const kind = kindOf(text[index]);
		if (kind === undefined || !scan.accepts(kind)) return { cut: false };
		const end = tokenEnd(text, index, kind);
		if (end === 'cut') return scan.cutOff();
		if (end === 'invalid' || scan.take(kind, index, end)) return { cut: false };
		index = end;
	}
	// The text ended with the outermost value still open.
	return scan.cutOff();
}
