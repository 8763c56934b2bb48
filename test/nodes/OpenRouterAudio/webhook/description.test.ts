/** The trigger's Output options are Analyze's: same names, values and defaults, so one reading serves both. */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { loadPackage, OPENROUTER_AUDIO_TRIGGER_TYPE, OPENROUTER_AUDIO_TYPE } from '../../../tools/harness';

const shape = (property: INodeProperties | undefined) => ({
	name: property?.name,
	type: property?.type,
	default: property?.default,
	values: (property?.options as Array<{ value?: unknown }> | undefined)?.map((option) => option.value),
});

test("Output, Output Format, If the Answer Is Not JSON, Put Output in File and Output Binary Field match Analyze's", async () => {
	const { nodes } = await loadPackage();
	const analyze = (nodes[OPENROUTER_AUDIO_TYPE] as { description: INodeTypeDescription }).description.properties;
	const trigger = (nodes[OPENROUTER_AUDIO_TRIGGER_TYPE] as { description: INodeTypeDescription }).description.properties;
	const analyzeOptions = analyze.find((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('analyze'))!.options as INodeProperties[];
	const triggerOptions = trigger.find((p) => p.name === 'options')!.options as INodeProperties[];

	expect(shape(trigger.find((p) => p.name === 'transcriptOutput'))).toEqual(shape(analyze.find((p) => p.name === 'transcriptOutput')));
	for (const name of ['outputFormat', 'invalidJson', 'putOutputInFile', 'outputBinaryPropertyName']) {
		expect(shape(triggerOptions.find((p) => p.name === name))).toEqual(shape(analyzeOptions.find((p) => p.name === name)));
	}
});

test('the trigger is a POST webhook trigger at the path Submit Job recognises, needing the Fal API credential', async () => {
	const { nodes } = await loadPackage();
	const description = (nodes[OPENROUTER_AUDIO_TRIGGER_TYPE] as { description: INodeTypeDescription }).description;
	expect(description.group).toEqual(['trigger']);
	expect(description.inputs).toEqual([]);
	expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'openrouter-audio' }]);
	expect(description.credentials).toEqual([{ name: 'falApi', required: true }]);
});
