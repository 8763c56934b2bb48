import type { INodeProperties } from 'n8n-workflow';

import { modelField, optionsCollection, taskFields } from '../../../../nodes/OpenRouterAudio/actions/descriptions';
import { DEFAULT_MODEL } from '../../../../nodes/OpenRouterAudio/methods/listSearch';
import { DEFAULTS } from '../../../../nodes/OpenRouterAudio/params/defaults';
import { TASK_PROMPTS, type Task } from '../../../../nodes/OpenRouterAudio/params/prompt';

// The fields show literal defaults (n8n's lint reads them); the runtime falls back to its own constants.
// These tests keep the two the same, so what the UI shows is what an unset option does.
describe('shared fields', () => {
	test('each option default shown equals the default the node uses when the option is unset', () => {
		for (const jsonAnswers of [true, false]) {
			const options = optionsCollection({ jsonAnswers }).options as INodeProperties[];
			const defaults = Object.fromEntries(options.map((option) => [option.name, option.default]));
			for (const [name, value] of Object.entries(DEFAULTS)) expect(defaults[name]).toBe(value);
		}
	});

	test('each task\'s Prompt field starts from that task\'s prompt', () => {
		const prompts = taskFields.filter((field) => field.name === 'prompt');
		const byTask = Object.fromEntries(prompts.map((field) => [field.displayOptions?.show?.task?.[0] as Task, field.default]));
		expect(byTask).toEqual(TASK_PROMPTS);
	});

	test('the model field starts on the first listed model', () => {
		expect(modelField.default).toEqual({ mode: 'list', value: DEFAULT_MODEL });
	});

	test('only Analyze offers JSON answers; Submit Job has no answer to parse', () => {
		const names = (jsonAnswers: boolean) =>
			(optionsCollection({ jsonAnswers }).options as INodeProperties[]).map((option) => option.name);
		expect(names(true)).toEqual(expect.arrayContaining(['outputFormat', 'invalidJson']));
		expect(names(false)).not.toContain('outputFormat');
		expect(names(false)).not.toContain('invalidJson');
		// The output file needs the answer too.
		expect(names(true)).toEqual(expect.arrayContaining(['putOutputInFile', 'outputBinaryPropertyName']));
		expect(names(false)).not.toContain('putOutputInFile');
	});

	test('"If the Answer Is Not JSON" is offered without Output Format JSON too, since Segments use it', () => {
		const invalidJson = (optionsCollection({ jsonAnswers: true }).options as INodeProperties[]).find((option) => option.name === 'invalidJson');
		expect(invalidJson?.displayOptions).toBeUndefined();
	});
});
