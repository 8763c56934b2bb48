// Removing a secret from text: whole texts, and text that arrives in chunks (a stream), where a secret may be
// split across two chunks.

const MASK = '***';

/** Replaces every form of a secret in text with "***". Forms shorter than 4 characters are ignored. */
export class Redactor {
	private readonly forms: string[];

	/** `forms`: the ways the secret may be written; a longer form that contains a shorter one is listed first. */
	constructor(forms: string[]) {
		this.forms = [...new Set(forms.filter((form) => form.length >= 4))];
	}

	text(text: string): string {
		let out = text;
		for (const form of this.forms) out = out.split(form).join(MASK);
		return out;
	}

	/** Whether the text holds the secret in one of its forms. */
	finds(text: string): boolean {
		return this.forms.some((form) => text.includes(form));
	}

	/**
	 * The UTF-8 stream `body` with the secret removed. A chunk's end is held back only while it could be the start
	 * of a form, so text that cannot be part of the secret (an event's closing newlines) passes at once.
	 */
	stream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
		const decoder = new TextDecoder();
		const encoder = new TextEncoder();
		let pending = '';
		const emit = (text: string, controller: TransformStreamDefaultController<Uint8Array>) => {
			if (text) controller.enqueue(encoder.encode(text));
		};
		return body.pipeThrough(
			new TransformStream<Uint8Array, Uint8Array>({
				transform: (chunk, controller) => {
					const text = this.text(pending + decoder.decode(chunk, { stream: true }));
					const held = this.heldBack(text);
					pending = text.slice(text.length - held);
					emit(text.slice(0, text.length - held), controller);
				},
				flush: (controller) => emit(this.text(pending + decoder.decode()), controller),
			}),
		);
	}

	/** How many characters at the end of `text` could begin a form (the longest such suffix). */
	private heldBack(text: string): number {
		let longest = 0;
		for (const form of this.forms) {
			for (let length = Math.min(form.length - 1, text.length); length > longest; length--) {
				if (form.startsWith(text.slice(text.length - length))) {
					longest = length;
					break;
				}
			}
		}
		return longest;
	}
}
