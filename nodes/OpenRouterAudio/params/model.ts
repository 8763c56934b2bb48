import type { IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from './text';

/**
 * OpenRouter's model IDs: vendor/model, optionally with a variant such as ":free". The "By ID" mode of the
 * Model field shows the same pattern in the editor; expressions and the list mode are checked here.
 */
export const MODEL_ID_PATTERN = '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.:-]+$';
const MODEL_ID = new RegExp(MODEL_ID_PATTERN);

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
