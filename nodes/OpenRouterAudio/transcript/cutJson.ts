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

type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd';

interface Frame {
	kind: '{' | '[';
	/** This array is the segments list. */
	list: boolean;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER_CHAR = /[-+.eE0-9]/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
// A number cut anywhere: every beginning of a valid number matches.
const NUMBER_BEGINNING = /^-?((0|[1-9][0-9]*)(\.([0-9]+([eE]([-+]?[0-9]*)?)?)?|[eE][-+]?[0-9]*)?)?$/;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]*$/;

/** Where a string token that starts at `from` (its opening quote) ends: the index after its closing quote. */
function stringEnd(text: string, from: number): number | 'cut' | 'invalid' {
	let index = from + 1;
	while (index < text.length) {
		const char = text[index];
		if (char === '"') return index + 1;
		if (char.charCodeAt(0) < 0x20) return 'invalid';
		if (char === '\\') {
			const escaped = text[index + 1];
			if (escaped === undefined) return 'cut';
			if (escaped === 'u') {
				const hex = text.slice(index + 2, index + 6);
				if (!HEX.test(hex)) return 'invalid';
				if (hex.length < 4) return 'cut';
				index += 6;
				continue;
			}
			if (!ESCAPES.has(escaped)) return 'invalid';
			index += 2;
			continue;
		}
		index++;
	}
	return 'cut';
}

/**
 * Scans `text` from its first `{` or `[` (prose or an opening code fence before it is skipped). The segments
 * list is the outermost array, or the first array under one of `listKeys` in the outermost object, as
 * normalizeSegments looks for it.
 */
export function scanCutJson(text: string, listKeys: readonly string[]): CutScan {
	const start = text.search(/[[{]/);
	if (start < 0) return { cut: false };
	const stack: Frame[] = [];
	// Set in the closures below too, so not narrowed to what the loop itself assigns.
	let expect = 'value' as Expect;
	let key: string | undefined;
	let listSeen = false;
	let complete = 0;
	// Where the kept part ends and the brackets that close it; the text is cut out once, at the end.
	let kept: { end: number; closers: string; complete: number; closed: boolean } | undefined;
	const cutOff = (): CutScan => ({
		cut: true,
		list: kept && {
			json: text.slice(start, kept.end) + kept.closers,
			complete: kept.complete,
			closed: kept.closed,
			endsAfterList: kept.closed && text.slice(kept.end).trim() === '',
		},
	});

	const closers = () =>
		stack
			.map((frame) => (frame.kind === '{' ? '}' : ']'))
			.reverse()
			.join('');
	// A value ended just before `end`. Returns true when it was the outermost one: the JSON is whole.
	const valueEnded = (end: number): boolean => {
		if (stack.length === 0) return true;
		expect = 'commaOrEnd';
		if (stack[stack.length - 1].list) {
			complete++;
			kept = { end, closers: closers(), complete, closed: false };
		}
		return false;
	};
	const open = (kind: Frame['kind']) => {
		const inRootObject = stack.length === 1 && stack[0].kind === '{';
		const list = kind === '[' && !listSeen && (stack.length === 0 || (inRootObject && key !== undefined && listKeys.includes(key)));
		if (list) listSeen = true;
		stack.push({ kind, list });
		expect = kind === '{' ? 'keyOrEnd' : 'valueOrEnd';
	};
	const close = (end: number): boolean => {
		const frame = stack.pop()!;
		if (frame.list) kept = { end, closers: closers(), complete, closed: true };
		return valueEnded(end);
	};

	let index = start;
	while (index < text.length) {
		const char = text[index];
		if (WHITESPACE.has(char)) {
			index++;
			continue;
		}
		const top = stack[stack.length - 1];
		switch (expect) {
			case 'value':
			case 'valueOrEnd': {
				if (char === ']' && expect === 'valueOrEnd') {
					if (close(index + 1)) return { cut: false };
					index++;
					break;
				}
				if (char === '{' || char === '[') {
					open(char);
					index++;
					break;
				}
				if (char === '"') {
					const end = stringEnd(text, index);
					if (end === 'cut') return cutOff();
					if (end === 'invalid') return { cut: false };
					if (valueEnded(end)) return { cut: false };
					index = end;
					break;
				}
				if (char === '-' || (char >= '0' && char <= '9')) {
					let end = index;
					while (end < text.length && NUMBER_CHAR.test(text[end])) end++;
					const token = text.slice(index, end);
					if (end === text.length) return NUMBER_BEGINNING.test(token) ? cutOff() : { cut: false };
					if (!NUMBER.test(token) || valueEnded(end)) return { cut: false };
					index = end;
					break;
				}
				if (char >= 'a' && char <= 'z') {
					let end = index;
					while (end < text.length && text[end] >= 'a' && text[end] <= 'z') end++;
					const token = text.slice(index, end);
					if (end === text.length) return LITERALS.some((literal) => literal.startsWith(token)) ? cutOff() : { cut: false };
					if (!LITERALS.includes(token) || valueEnded(end)) return { cut: false };
					index = end;
					break;
				}
				return { cut: false };
			}
			case 'key':
			case 'keyOrEnd': {
				if (char === '}' && expect === 'keyOrEnd') {
					if (close(index + 1)) return { cut: false };
					index++;
					break;
				}
				if (char !== '"') return { cut: false };
				const end = stringEnd(text, index);
				if (end === 'cut') return cutOff();
				if (end === 'invalid') return { cut: false };
				key = stack.length === 1 ? (JSON.parse(text.slice(index, end)) as string) : undefined;
				expect = 'colon';
				index = end;
				break;
			}
			case 'colon':
				if (char !== ':') return { cut: false };
				expect = 'value';
				index++;
				break;
			case 'commaOrEnd':
				if (char === ',') {
					expect = top.kind === '{' ? 'key' : 'value';
					index++;
					break;
				}
				if (char === (top.kind === '{' ? '}' : ']')) {
					if (close(index + 1)) return { cut: false };
					index++;
					break;
				}
				return { cut: false };
		}
	}
	// The text ended with the outermost value still open.
	return cutOff();
}
