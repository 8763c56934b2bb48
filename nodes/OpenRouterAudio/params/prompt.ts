import type { OutputFormat } from '../output/answer';
import { segmentsInstruction } from '../transcript/segments';

export type Task = 'transcribe' | 'summarize' | 'translate' | 'custom';

/** Each task's starting prompt; the user can edit it freely. */
export const TASK_PROMPTS: Record<Task, string> = {
	transcribe: 'Transcribe this audio verbatim.',
	summarize: 'Summarize this audio: a short paragraph, then the key points as a list.',
	translate: 'Translate the speech in this audio.',
	custom: '',
};

export interface PromptOptions {
	task: Task;
	speakerLabels?: boolean;
	timestamps?: boolean;
	targetLanguage?: string;
	outputFormat: OutputFormat;
	/** Transcribe only: 'segments' asks for timed JSON segments instead of the lines above. */
	transcriptOutput?: 'text' | 'segments';
}

/** The prompt sent to fal: the user's text, then one line per choice made in the node's fields. */
export function buildPrompt(prompt: string, options: PromptOptions): string {
	const lines = [prompt.trim()];
	// Segments carry their own times and (with Speaker Labels) speakers, in JSON: one instruction says it all.
	if (options.task === 'transcribe' && options.transcriptOutput === 'segments') {
		return [...lines, segmentsInstruction(options.speakerLabels === true)].join('\n');
	}
	if (options.task === 'transcribe' && options.speakerLabels) {
		lines.push('Label each speaker as Speaker 1, Speaker 2, and so on.');
	}
	if (options.task === 'transcribe' && options.timestamps) {
		lines.push('Start each segment with its timestamp as [mm:ss].');
	}
	if (options.task === 'translate' && options.targetLanguage?.trim()) {
		lines.push(`Target language: ${options.targetLanguage.trim()}.`);
	}
	if (options.outputFormat === 'json') {
		lines.push('Answer with a single JSON value only, without code fences or any other text.');
	}
	return lines.join('\n');
}
