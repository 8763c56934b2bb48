import { JSON_INSTRUCTION } from '../../../../nodes/OpenRouterAudio/answer/json';
import { buildPrompt, taskFields, type Task } from '../../../../nodes/OpenRouterAudio/fields/prompt';
import { SEGMENTS_INSTRUCTION, SEGMENTS_INSTRUCTION_NO_SPEAKERS } from '../../../../nodes/OpenRouterAudio/transcript/segments';

/** Each task's Prompt field's default: the prompt a task starts from. */
const startingPrompt = (task: Task) => String(taskFields.find((field) => field.name === 'prompt' && field.displayOptions?.show?.task?.includes(task))?.default);

describe('buildPrompt', () => {
	test('a plain prompt is sent trimmed and unchanged', () => {
		expect(buildPrompt('  What is said?\n', { task: 'custom' })).toBe('What is said?');
	});

	test('transcription choices add one line each, in a fixed order', () => {
		expect(buildPrompt(startingPrompt('transcribe'), { task: 'transcribe', speakerLabels: true, timestamps: true })).toBe(
			'Transcribe this audio verbatim.\nLabel each speaker as Speaker 1, Speaker 2, and so on.\nStart each segment with its timestamp as [mm:ss].',
		);
	});

	test('speaker labels belong to transcription only', () => {
		expect(buildPrompt('Sum up.', { task: 'summarize', speakerLabels: true })).toBe('Sum up.');
	});

	test('translation names the target language', () => {
		expect(buildPrompt(startingPrompt('translate'), { task: 'translate', targetLanguage: ' German ' })).toBe(
			'Translate the speech in this audio.\nTarget language: German.',
		);
	});

	test('an answer shape (JSON) is asked for last', () => {
		const json = { instruction: JSON_INSTRUCTION, replacesTranscriptLines: false };
		expect(buildPrompt('List the speakers.', { task: 'custom', shape: json })).toBe(
			'List the speakers.\nAnswer with a single JSON value only, without code fences or any other text.',
		);
		expect(buildPrompt('Transcribe.', { task: 'transcribe', speakerLabels: true, shape: json })).toBe(
			`Transcribe.\nLabel each speaker as Speaker 1, Speaker 2, and so on.\n${JSON_INSTRUCTION}`,
		);
	});

	test('Segments replace the speaker and timestamp lines with one JSON instruction, with or without speakers', () => {
		const segments = (speakerLabels: boolean) => ({
			task: 'transcribe' as const,
			timestamps: true,
			speakerLabels,
			shape: { instruction: speakerLabels ? SEGMENTS_INSTRUCTION : SEGMENTS_INSTRUCTION_NO_SPEAKERS, replacesTranscriptLines: true },
		});
		expect(buildPrompt(' Transcribe. ', segments(true))).toBe(`Transcribe.\n${SEGMENTS_INSTRUCTION}`);
		expect(buildPrompt('Transcribe.', segments(false))).toBe(`Transcribe.\n${SEGMENTS_INSTRUCTION_NO_SPEAKERS}`);
		expect(SEGMENTS_INSTRUCTION_NO_SPEAKERS).not.toMatch(/speaker/i);
	});
});

describe('the Prompt fields', () => {
	test('each task shows one Prompt field that starts from its own prompt; Custom starts empty', () => {
		const tasks: Task[] = ['transcribe', 'summarize', 'translate', 'custom'];
		const prompts = taskFields.filter((field) => field.name === 'prompt');
		expect(prompts.map((field) => field.displayOptions?.show?.task)).toEqual(tasks.map((task) => [task]));
		expect(tasks.map(startingPrompt)).toEqual([
			'Transcribe this audio verbatim.',
			'Summarize this audio: a short paragraph, then the key points as a list.',
			'Translate the speech in this audio.',
			'',
		]);
	});
});
