// The model picker's list: OpenRouter's public model list (no key needed), so new audio models appear without a
// release. The request is bounded and any failure falls back to the built-in list: a picker that hangs or
// empties because openrouter.ai is unreachable would block editing the node.
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { MODELS } from '../fields/model';

export const OPENROUTER_MODELS_URL = 'https://openrouter.ai/api/v1/models';
export const MODELS_TIMEOUT_MS = 5000;

export interface BuiltInModel {
	name: string;
	value: string;
}

const modelUrl = (id: string) => `https://openrouter.ai/${id}`;

const isStringList = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/**
 * The audio-capable models of a `GET /api/v1/models` body (`{ data: [{ id, name, architecture:
 * { input_modalities, output_modalities } }] }`): audio among the inputs and, when outputs are
 * listed, text among them (the endpoint returns text). Malformed entries are skipped, duplicates dropped.
 */
export function parseAudioModels(body: unknown): INodeListSearchItems[] {
	const data = (body as { data?: unknown } | null)?.data;
	if (!Array.isArray(data)) return [];
	const seen = new Set<string>();
	const models: INodeListSearchItems[] = [];
	for (const entry of data) {
		if (typeof entry !== 'object' || entry === null) continue;
		const { id, name, architecture } = entry as { id?: unknown; name?: unknown; architecture?: unknown };
		if (typeof id !== 'string' || id.trim() === '' || seen.has(id)) continue;
		const arch = (architecture ?? {}) as { input_modalities?: unknown; output_modalities?: unknown };
		if (!isStringList(arch.input_modalities) || !arch.input_modalities.includes('audio')) continue;
		if (isStringList(arch.output_modalities) && !arch.output_modalities.includes('text')) continue;
		seen.add(id);
		models.push({ name: typeof name === 'string' && name.trim() ? name.trim() : id, value: id, url: modelUrl(id) });
	}
	return models;
}

/** Keeps the models whose name or ID contains the search text, case-insensitively. */
export function filterModels(models: readonly INodeListSearchItems[], search?: string): INodeListSearchItems[] {
	const needle = search?.trim().toLowerCase() ?? '';
	if (!needle) return [...models];
	return models.filter(
		(model) => model.name.toLowerCase().includes(needle) || String(model.value).toLowerCase().includes(needle),
	);
}

/** The live list when it has any audio model, else the built-in one, in the picker's shape. */
export function withFallback(
	live: readonly INodeListSearchItems[] | undefined,
	builtIn: readonly BuiltInModel[],
): INodeListSearchItems[] {
	if (live && live.length > 0) return [...live];
	return builtIn.map((model) => ({ name: model.name, value: model.value, url: modelUrl(model.value) }));
}

/** Fetches the live list through n8n's HTTP helper; undefined when it cannot be had. */
async function fetchLiveModels(context: ILoadOptionsFunctions): Promise<INodeListSearchItems[] | undefined> {
	try {
		const body: unknown = await context.helpers.httpRequest({
			method: 'GET',
			url: OPENROUTER_MODELS_URL,
			json: true,
			timeout: MODELS_TIMEOUT_MS,
		});
		return parseAudioModels(body);
	} catch {
		// Offline, blocked by a proxy, rate-limited: the built-in list still lets the user pick.
		return undefined;
	}
}

/** The picker's search: live audio models (or the built-in list), filtered by name or ID. */
export async function searchLiveModels(
	context: ILoadOptionsFunctions,
	builtIn: readonly BuiltInModel[],
	search?: string,
): Promise<INodeListSearchResult> {
	return { results: filterModels(withFallback(await fetchLiveModels(context), builtIn), search) };
}

/** The picker: OpenRouter's audio-capable models (or MODELS when the list cannot be had), filtered by name or ID. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchLiveModels(this, MODELS, filter);
}
