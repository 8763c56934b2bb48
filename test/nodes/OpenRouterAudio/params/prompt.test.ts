import { buildPrompt, TASK_PROMPTS } from '../../../../nodes/OpenRouterAudio/params/prompt';
import { SEGMENTS_INSTRUCTION, SEGMENTS_INSTRUCTION_NO_SPEAKERS } from '../../../../nodes/OpenRouterAudio/transcript/segments';

describe('buildPrompt', () => {
	test('a plain prompt is sent trimmed and unchanged', () => {
		expect(buildPrompt('  What is said?\n', { task: 'custom', outputFormat: 'text' })).toBe('What is said?');
	});

	test('transcription choices add one line each, in a fixed order', () => {
		expect(
			buildPrompt(TASK_PROMPTS.transcribe, { task: 'transcribe', speakerLabels: true, timestamps: true, outputFormat: 'text' }),
		).toBe(
			'Transcribe this audio verbatim.\nLabel each speaker as Speaker 1, Speaker 2, and so on.\nStart each segment with its timestamp as [mm:ss].',
		);
	});

	test('speaker labels belong to transcription only', () => {
		expect(buildPrompt('Sum up.', { task: 'summarize', speakerLabels: true, outputFormat: 'text' })).toBe('Sum up.');
	});

	test('translation names the target language', () => {
		expect(buildPrompt(TASK_PROMPTS.translate, { task: 'translate', targetLanguage: ' German ', outputFormat: 'text' })).toBe(
			'Translate the speech in this audio.\nTarget language: German.',
		);
	});

	test('JSON output asks for bare JSON last', () => {
		expect(buildPrompt('List the speakers.', { task: 'custom', outputFormat: 'json' })).toBe(
			'List the speakers.\nAnswer with a single JSON value only, without code fences or any other text.',
		);
	});

	test('Segments replace the speaker and timestamp lines with one JSON instruction, with or without speakers', () => {
		const segments = { task: 'transcribe', transcriptOutput: 'segments', timestamps: true, outputFormat: 'text' } as const;
		expect(buildPrompt(' Transcribe. ', { ...segments, speakerLabels: true })).toBe(`Transcribe.\n${SEGMENTS_INSTRUCTION}`);
		expect(buildPrompt('Transcribe.', { ...segments, speakerLabels: false })).toBe(`Transcribe.\n${SEGMENTS_INSTRUCTION_NO_SPEAKERS}`);
		expect(SEGMENTS_INSTRUCTION_NO_SPEAKERS).not.toMatch(/speaker/i);
	});

	test('Segments belong to transcription only', () => {
		expect(buildPrompt('Sum up.', { task: 'summarize', transcriptOutput: 'segments', outputFormat: 'text' })).toBe('Sum up.');
	});
});
