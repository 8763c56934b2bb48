import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from '../lib/text';

// What the model is asked: the Task, its prompt (one Prompt field per task, so each task starts from its own
// prompt) and the choices that add a line to it.

const promptDescription = 'What the model should do with the audio';

export type Task = 'transcribe' | 'summarize' | 'translate' | 'custom';

/** What the four Prompt fields share (one per task, so each task starts from its own prompt). */
const PROMPT: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	required: true,
	default: '',
};

/** The Prompt field of one task: the four differ only in their default and help text. */
const promptField = (task: Task, text: Pick<INodeProperties, 'default' | 'description' | 'placeholder'>): INodeProperties => ({
	...PROMPT,
	...text,
	displayOptions: { show: { task: [task] } },
});

export const taskFields: INodeProperties[] = [
	{
		displayName: 'Task',
		name: 'task',
		type: 'options',
		options: [
			{ name: 'Transcribe', value: 'transcribe', description: 'Write down what is said' },
			{ name: 'Summarize', value: 'summarize', description: 'Summarize the recording and list its key points' },
			{ name: 'Translate', value: 'translate', description: 'Translate the speech into another language' },
			{ name: 'Custom Prompt', value: 'custom', description: 'Ask anything about the audio' },
		],
		default: 'transcribe',
		description: 'Fills in a prompt for common jobs; the prompt stays editable',
	},
	{
		displayName: 'Speaker Labels',
		name: 'speakerLabels',
		type: 'boolean',
		default: false,
		description: 'Whether to label each speaker (Speaker 1, Speaker 2, ...)',
		displayOptions: { show: { task: ['transcribe'] } },
	},
	{
		displayName: 'Timestamps',
		name: 'timestamps',
		type: 'boolean',
		default: false,
		description: 'Whether to start each segment with its [mm:ss] timestamp',
		// Segments always carry their times.
		displayOptions: { show: { task: ['transcribe'] }, hide: { transcriptOutput: ['segments'] } },
	},
	{
		displayName: 'Target Language',
		name: 'targetLanguage',
		type: 'string',
		required: true,
		default: 'English',
		placeholder: 'e.g. German',
		description: 'The language to translate the speech into, by name',
		displayOptions: { show: { task: ['translate'] } },
	},
	promptField('transcribe', {
		default: 'Transcribe this audio verbatim.',
		description: `${promptDescription}. Speaker labels and timestamps (for the Segments output, the JSON shape) are added to it when enabled.`,
	}),
	promptField('summarize', {
		default: 'Summarize this audio: a short paragraph, then the key points as a list.',
		description: promptDescription,
	}),
	promptField('translate', {
		default: 'Translate the speech in this audio.',
		description: `${promptDescription}. The target language is added to it.`,
	}),
	promptField('custom', {
		default: '',
		placeholder: 'e.g. Who is speaking, and what do they agree on?',
		description: `${promptDescription}, e.g. a question about it`,
	}),
];

export interface PromptChoices {
	task: Task;
	speakerLabels?: boolean;
	timestamps?: boolean;
	targetLanguage?: string;
	/**
	 * The shape of answer the operation asks for (the JSON instruction, or the Segments instruction, which
	 * carries its own times and speakers and so replaces the Speaker Labels and Timestamps lines).
	 */
	shape?: { instruction: string; replacesTranscriptLines: boolean };
}

/** The prompt sent to fal: the user's text, then one line per choice made in the node's fields. */
export function buildPrompt(prompt: string, choices: PromptChoices): string {
	const lines = [prompt.trim()];
	const transcribe = choices.task === 'transcribe';
	if (!choices.shape?.replacesTranscriptLines) {
		if (transcribe && choices.speakerLabels) lines.push('Label each speaker as Speaker 1, Speaker 2, and so on.');
		if (transcribe && choices.timestamps) lines.push('Start each segment with its timestamp as [mm:ss].');
	}
	if (choices.task === 'translate' && choices.targetLanguage?.trim()) lines.push(`Target language: ${choices.targetLanguage.trim()}.`);
	if (choices.shape) lines.push(choices.shape.instruction);
	return lines.join('\n');
}

/** The Task field (an expression must give one of the tasks). */
export function readTask(ctx: IExecuteFunctions, itemIndex: number): Task {
	return ctx.getNodeParameter('task', itemIndex, 'transcribe') as Task;
}

/** Speaker Labels, which only Transcribe shows. */
export const readSpeakerLabels = (ctx: IExecuteFunctions, itemIndex: number, task: Task): boolean =>
	task === 'transcribe' && ctx.getNodeParameter('speakerLabels', itemIndex, false) === true;

/** The prompt of one item, checked and with every line the node's fields add. */
export function readPrompt(ctx: IExecuteFunctions, itemIndex: number, task: Task, shape?: PromptChoices['shape']): string {
	const raw = ctx.getNodeParameter('prompt', itemIndex, '');
	const hint = 'Enter what the model should do with the audio, e.g. "Transcribe this audio verbatim."';
	if (typeof raw !== 'string' && raw !== undefined && raw !== null) {
		failItem(ctx, itemIndex, `The "Prompt" field is ${describeType(raw)}, not text`, `${hint} An expression must return text; for an object use e.g. {{ JSON.stringify($json.question) }}.`);
	}
	if (typeof raw !== 'string' || !raw.trim()) failItem(ctx, itemIndex, 'The "Prompt" field is empty', hint);
	const targetLanguage = task === 'translate' ? String(ctx.getNodeParameter('targetLanguage', itemIndex, '')) : undefined;
	if (task === 'translate' && !targetLanguage?.trim()) {
		failItem(ctx, itemIndex, 'The "Target Language" field is empty', 'Enter the language to translate into, e.g. "German".');
	}
	return buildPrompt(raw, {
		task,
		shape,
		speakerLabels: readSpeakerLabels(ctx, itemIndex, task),
		timestamps: task === 'transcribe' && ctx.getNodeParameter('timestamps', itemIndex, false) === true,
		targetLanguage,
	});
}
