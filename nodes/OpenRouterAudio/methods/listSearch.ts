import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

/** The Gemini models the endpoint documents. Any other model ID can still be typed in "By ID" mode. */
export const MODELS = [
	{ name: 'Gemini 3 Flash (Preview)', value: 'google/gemini-3-flash-preview' },
	{ name: 'Gemini 2.5 Flash', value: 'google/gemini-2.5-flash' },
	{ name: 'Gemini 3 Pro (Preview)', value: 'google/gemini-3-pro-preview' },
	{ name: 'Gemini 3.1 Pro (Preview)', value: 'google/gemini-3.1-pro-preview' },
] as const;

export const DEFAULT_MODEL = MODELS[0].value;

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = filter?.trim().toLowerCase() ?? '';
	return {
		results: MODELS.filter(
			(model) => !needle || model.name.toLowerCase().includes(needle) || model.value.includes(needle),
		).map((model) => ({ name: model.name, value: model.value, url: `https://openrouter.ai/${model.value}` })),
	};
}
