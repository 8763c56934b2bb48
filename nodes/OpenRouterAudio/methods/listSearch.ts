import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { searchLiveModels } from './liveModels';

/** The Gemini models the endpoint documents: the picker's list when OpenRouter's cannot be reached. Any other model ID can still be typed in "By ID" mode. */
export const MODELS = [
	{ name: 'Gemini 3 Flash (Preview)', value: 'google/gemini-3-flash-preview' },
	{ name: 'Gemini 2.5 Flash', value: 'google/gemini-2.5-flash' },
	{ name: 'Gemini 3 Pro (Preview)', value: 'google/gemini-3-pro-preview' },
	{ name: 'Gemini 3.1 Pro (Preview)', value: 'google/gemini-3.1-pro-preview' },
] as const;

export const DEFAULT_MODEL = MODELS[0].value;

/** The picker: OpenRouter's audio-capable models (or MODELS when the list cannot be had), filtered by name or ID. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchLiveModels(this, MODELS, filter);
}
