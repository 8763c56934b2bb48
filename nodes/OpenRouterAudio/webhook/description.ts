// The trigger's fields: where its URL goes, and the Output field and answer Options it shares with Analyze
// (fields/output.ts), so a delivered answer comes out as Analyze's would.
import type { INodeProperties } from 'n8n-workflow';

import { answerOptions, outputField, type OutputWording } from '../fields/output';

// Worded for what the trigger does: Submit Job, not this node, asked the model for the shape (so the trigger's
// Output has no task to depend on); an answer that cannot be read gives an error item, as the trigger has no
// input item to fail; the file is named after the Reference, as a delivery has no input file.
const wording: OutputWording = {
	output: {
		text: 'The answer as text in "output"',
		segments: 'Timed segments in "segments" (start and end in seconds, speaker, text), for jobs whose Submit Job asked for Segments',
	},
	invalidJson: {
		error: { name: 'Give an Error Item', description: 'An item with "error" and the whole answer in "rawAnswer"' },
		description: 'For Output Format JSON and for the Segments output: what happens to an answer that cannot be read',
	},
	jsonFormat: 'Parse the answer into "data" (for jobs whose Submit Job asked for JSON)',
	putOutputInFile: 'Also write the answer as a file into a binary field, named after the Reference (meeting.mp3 → meeting.srt), for a later storage node',
};

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Paste this node\'s Production URL into the "Webhook URL" of an OpenRouter Audio "Submit Job" node that uses the same Fal API credential, and activate this workflow. Each job\'s answer starts one execution; deliveries fal did not sign, or for jobs not submitted with this credential, are refused.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	outputField(wording),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: answerOptions(wording),
	},
];
