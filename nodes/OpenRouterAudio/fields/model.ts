import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from '../lib/text';

/** The Gemini models the endpoint documents: the picker's list when OpenRouter's cannot be reached. Any other model ID can still be typed in "By ID" mode. */
export const MODELS = [
	{ name: 'Gemini 3 Flash (Preview)', value: 'google/gemini-3-flash-preview' },
	{ name: 'Gemini 2.5 Flash', value: 'google/gemini-2.5-flash' },
	{ name: 'Gemini 3 Pro (Preview)', value: 'google/gemini-3-pro-preview' },
	{ name: 'Gemini 3.1 Pro (Preview)', value: 'google/gemini-3.1-pro-preview' },
] as const;

/**
 * OpenRouter's model IDs: vendor/model, optionally with a variant such as ":free". The "By ID" mode of the
 * Model field shows the same pattern in the editor; expressions and the list mode are checked here.
 */
const MODEL_ID_PATTERN = '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.:-]+$';
const MODEL_ID = new RegExp(MODEL_ID_PATTERN);

export const modelField: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: 'google/gemini-3-flash-preview' },
	description: 'The Gemini model that listens to the audio and answers. Models differ in quality, speed and price; each is billed by the tokens it reads and writes.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. google/gemini-2.5-flash',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: MODEL_ID_PATTERN,
						errorMessage: 'Enter a model ID such as google/gemini-2.5-flash',
					},
				},
			],
		},
	],
};

const HOW_TO = 'Pick a model from the list, or enter a model ID in the form vendor/model, such as google/gemini-2.5-flash.';

export function readModel(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('model', itemIndex, '', { extractValue: true });
	if (raw !== undefined && raw !== null && typeof raw !== 'string') {
		failItem(ctx, itemIndex, `The "Model" field is ${describeType(raw)}, not a model ID`, HOW_TO);
	}
	const model = (raw ?? '').trim();
	if (!model) failItem(ctx, itemIndex, 'The "Model" field is empty', HOW_TO);
	if (!MODEL_ID.test(model)) {
		failItem(ctx, itemIndex, `The "Model" field is not a model ID of the form vendor/model: ${JSON.stringify(model.slice(0, 100))}`, HOW_TO);
	}
	return model;
}
