import type { INodeProperties } from 'n8n-workflow';

import { OpenRouterAudio } from '../../../../nodes/OpenRouterAudio/OpenRouterAudio.node';

const { description } = new OpenRouterAudio();
const byName = (name: string) => description.properties.filter((property) => property.name === name);

describe('node description', () => {
	test('is usable as an AI Agent tool, with the inputs an agent fills described', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.description).toMatch(/audio/i);
		for (const name of ['audioUrl', 'prompt']) {
			const fields = byName(name);
			expect(fields.length).toBeGreaterThan(0);
			for (const field of fields) expect(field.description?.length ?? 0).toBeGreaterThan(20);
		}
	});

	test('every input of the endpoint has a field', () => {
		const options = byName('options')[0].options as INodeProperties[];
		const names = [...description.properties.map((p) => p.name), ...options.map((o) => o.name)];
		// audio_url, prompt, model, system_prompt, reasoning, temperature, max_tokens
		expect(names).toEqual(
			expect.arrayContaining(['audioUrl', 'binaryPropertyName', 'prompt', 'model', 'systemPrompt', 'reasoning', 'temperature', 'maxTokens']),
		);
	});

	test('options are listed alphabetically, as n8n lists them', () => {
		const options = (byName('options')[0].options as INodeProperties[]).map((option) => option.displayName);
		expect(options).toEqual([...options].sort((a, b) => a.localeCompare(b)));
	});

	test('the model list offers the endpoint\'s Gemini models and a free model ID', () => {
		const [model] = byName('model');
		expect(model.type).toBe('resourceLocator');
		expect(model.default).toEqual({ mode: 'list', value: 'google/gemini-3-flash-preview' });
		expect(model.modes?.map((mode) => mode.name)).toEqual(['list', 'id']);
	});

	test('the transcript Output (Text or Segments) is an Analyze field, for the Transcribe task', () => {
		const [output, ...more] = byName('transcriptOutput');
		expect(more).toEqual([]);
		expect(output.displayOptions?.show).toEqual({ operation: ['analyze'], task: ['transcribe'] });
		expect(output.default).toBe('text');
	});

	const optionsFor = (operation: string) =>
		(description.properties.find((property) => property.name === 'options' && property.displayOptions?.show?.operation?.includes(operation))
			?.options ?? []) as INodeProperties[];

	test('only Analyze offers JSON answers and the output file; Submit Job has no answer to shape', () => {
		const names = (operation: string) => optionsFor(operation).map((option) => option.name);
		expect(names('analyze')).toEqual(expect.arrayContaining(['outputFormat', 'invalidJson', 'putOutputInFile', 'outputBinaryPropertyName']));
		for (const name of ['outputFormat', 'invalidJson', 'putOutputInFile']) expect(names('submit')).not.toContain(name);
		expect(optionsFor('getJob')).toEqual([]);
	});

	test('"If the Answer Is Not JSON" is offered without Output Format JSON too, since Segments use it', () => {
		expect(optionsFor('analyze').find((option) => option.name === 'invalidJson')?.displayOptions).toBeUndefined();
	});
});
