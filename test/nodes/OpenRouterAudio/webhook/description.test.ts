/** The trigger as n8n loads it. Its Output field and options are Analyze's by construction (fields/output.ts, tested there). */
import type { INodeTypeDescription } from 'n8n-workflow';

import { loadPackage, OPENROUTER_AUDIO_TRIGGER_TYPE } from '../../../tools/harness';

test('the trigger is a POST webhook trigger at the path Submit Job recognises, needing the Fal API credential', async () => {
	const { nodes } = await loadPackage();
	const description = (nodes[OPENROUTER_AUDIO_TRIGGER_TYPE] as { description: INodeTypeDescription }).description;
	expect(description.group).toEqual(['trigger']);
	expect(description.inputs).toEqual([]);
	expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'openrouter-audio' }]);
	expect(description.credentials).toEqual([{ name: 'falApi', required: true }]);
});
