/**
 * The model picker (methods/listSearch.ts): OpenRouter's live list read and filtered, and the node's
 * searchModels in n8n-core's real LoadOptionsContext, the way the editor calls it: OpenRouter's live list from
 * the stand-in when it is up, the built-in list when openrouter.ai cannot be reached.
 */
import { Container } from '@n8n/di';
import { LoadOptionsContext } from 'n8n-core';
import type { INode, INodeType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { MODELS } from '../../../../nodes/OpenRouterAudio/fields/model';
import {
	MODELS_TIMEOUT_MS,
	filterModels,
	parseAudioModels,
	searchLiveModels,
	withFallback,
} from '../../../../nodes/OpenRouterAudio/methods/listSearch';
import { OPENROUTER_MODELS, routeHttpsToOpenRouter, startOpenRouterModels } from '../../../tools/emulator';
import { createNodeTypes, loadPackage, OPENROUTER_AUDIO_TYPE, TEST_TRIGGER_TYPE, type TestNodeTypes } from '../../../tools/harness';

const LIVE_AUDIO = [
	{ name: 'Google: Gemini 3 Flash Preview', value: 'google/gemini-3-flash-preview', url: 'https://openrouter.ai/google/gemini-3-flash-preview' },
	{ name: 'Google: Gemini 2.5 Flash', value: 'google/gemini-2.5-flash', url: 'https://openrouter.ai/google/gemini-2.5-flash' },
	{ name: 'Google: Gemini 3 Pro Preview', value: 'google/gemini-3-pro-preview', url: 'https://openrouter.ai/google/gemini-3-pro-preview' },
	{ name: 'Mistral: Voxtral Small 24B 2507', value: 'mistralai/voxtral-small-24b-2507', url: 'https://openrouter.ai/mistralai/voxtral-small-24b-2507' },
];
const BUILT_IN = MODELS.map((m) => ({ name: m.name, value: m.value, url: `https://openrouter.ai/${m.value}` }));

describe('parseAudioModels', () => {
	test('keeps audio-in, text-out models in the list order, with names and links', () => {
		expect(parseAudioModels({ data: OPENROUTER_MODELS })).toEqual(LIVE_AUDIO);
	});

	test('skips malformed entries and duplicates; a missing name falls back to the ID', () => {
		const audio = { input_modalities: ['audio', 'text'] };
		expect(
			parseAudioModels({
				data: [
					null,
					'x',
					{ id: 42, architecture: audio },
					{ id: '  ', architecture: audio },
					{ id: 'a/no-arch' },
					{ id: 'a/bad-modalities', architecture: { input_modalities: 'audio' } },
					{ id: 'a/one', architecture: audio },
					{ id: 'a/one', name: 'Duplicate', architecture: audio },
					{ id: 'a/no-output-list', name: ' Named ', architecture: audio },
					{ id: 'a/audio-out', name: 'Speech only', architecture: { ...audio, output_modalities: ['audio'] } },
				],
			}),
		).toEqual([
			{ name: 'a/one', value: 'a/one', url: 'https://openrouter.ai/a/one' },
			{ name: 'Named', value: 'a/no-output-list', url: 'https://openrouter.ai/a/no-output-list' },
		]);
	});

	test.each([[undefined], [null], ['<html>'], [{}], [{ data: {} }], [[]]])('%p has no models', (body) => {
		expect(parseAudioModels(body)).toEqual([]);
	});
});

describe('filterModels', () => {
	test('by name or ID, case-insensitively; empty search keeps all', () => {
		expect(filterModels(LIVE_AUDIO, 'VOXTRAL').map((m) => m.value)).toEqual(['mistralai/voxtral-small-24b-2507']);
		expect(filterModels(LIVE_AUDIO, 'gemini-2.5').map((m) => m.value)).toEqual(['google/gemini-2.5-flash']);
		expect(filterModels(LIVE_AUDIO, ' pro ').map((m) => m.value)).toEqual(['google/gemini-3-pro-preview']);
		expect(filterModels(LIVE_AUDIO, '')).toEqual(LIVE_AUDIO);
		expect(filterModels(LIVE_AUDIO, undefined)).toEqual(LIVE_AUDIO);
		expect(filterModels(LIVE_AUDIO, 'nothing like it')).toEqual([]);
	});
});

describe('withFallback', () => {
	test('the live list when it has models, else the built-in list', () => {
		expect(withFallback(LIVE_AUDIO, MODELS)).toEqual(LIVE_AUDIO);
		expect(withFallback([], MODELS)).toEqual(BUILT_IN);
		expect(withFallback(undefined, MODELS)).toEqual(BUILT_IN);
	});
});

// The real n8n-core load-options context and its httpRequest helper (axios over https), against the
// OpenRouter stand-in: proves the request n8n makes and the fallback on every kind of failure.
describe('searchLiveModels through n8n-core', () => {
	let server: Awaited<ReturnType<typeof startOpenRouterModels>>;
	let restore: () => void;

	const node: INode = { id: '1', name: 'Trigger', type: TEST_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const context = () => {
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: createNodeTypes() });
		return new LoadOptionsContext(workflow, node, {} as IWorkflowExecuteAdditionalData, 'parameters.model');
	};

	beforeAll(async () => {
		Container.reset();
		server = await startOpenRouterModels();
		restore = routeHttpsToOpenRouter(server.url);
	});
	afterAll(async () => {
		restore();
		await server.close();
	});
	beforeEach(() => {
		server.requests.length = 0;
		server.respondWith({});
	});

	test('one GET of the public list, without credentials; audio models only, filtered', async () => {
		expect(await searchLiveModels(context(), MODELS)).toEqual({ results: LIVE_AUDIO });
		expect(await searchLiveModels(context(), MODELS, 'flash')).toEqual({ results: LIVE_AUDIO.slice(0, 2) });
		expect(server.requests).toHaveLength(2);
		expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/models' });
		expect(server.requests[0].headers.authorization).toBeUndefined();
	});

	test.each([
		['a server error', { status: 500, body: { error: { message: 'boom' } } }],
		['a rate limit', { status: 429, body: { error: { message: 'slow down' } } }],
		['an HTML page', { text: '<html>captive portal</html>' }],
		['a list without audio models', { body: { data: OPENROUTER_MODELS.filter((m) => !m.architecture.input_modalities.includes('audio')) } }],
		['a dropped connection', { drop: true }],
	])('falls back to the built-in list on %s', async (_, response) => {
		server.respondWith(response);
		expect(await searchLiveModels(context(), MODELS, 'gemini')).toEqual({ results: BUILT_IN });
		expect(server.requests).toHaveLength(1);
	});

	test(`falls back when the list takes longer than ${MODELS_TIMEOUT_MS} ms`, async () => {
		// The full list does arrive, 3 s after the timeout and well within this test's time: getting the
		// built-in list proves the request was cut off by the timeout.
		server.respondWith({ delayMs: MODELS_TIMEOUT_MS + 3000 });
		expect(await searchLiveModels(context(), MODELS)).toEqual({ results: BUILT_IN });
	}, 15000);
});

describe('searchModels, the picker of the built package', () => {
	// The built package, as n8n loads it.
	let nodeTypes: TestNodeTypes;
	let searchModels: NonNullable<NonNullable<INodeType['methods']>['listSearch']>[string];
	const node: INode = { id: '1', name: 'OpenRouter Audio', type: OPENROUTER_AUDIO_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const context = () => {
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return new LoadOptionsContext(workflow, node, {} as IWorkflowExecuteAdditionalData, 'parameters.model');
	};
	const values = async (filter?: string) => (await searchModels.call(context(), filter)).results.map((result) => result.value);

	let server: Awaited<ReturnType<typeof startOpenRouterModels>>;
	let restore: (() => void) | undefined;
	beforeAll(async () => {
		Container.reset();
		const pkg = await loadPackage();
		nodeTypes = createNodeTypes(pkg.nodes);
		searchModels = (nodeTypes.getByNameAndVersion(OPENROUTER_AUDIO_TYPE) as INodeType).methods!.listSearch!.searchModels;
	});
	afterEach(async () => {
		restore?.();
		restore = undefined;
		await server?.close();
	});

	test('with OpenRouter up: its audio models, by name or ID, from one request each', async () => {
		server = await startOpenRouterModels();
		restore = routeHttpsToOpenRouter(server.url);
		expect(await values()).toEqual([
			'google/gemini-3-flash-preview',
			'google/gemini-2.5-flash',
			'google/gemini-3-pro-preview',
			'mistralai/voxtral-small-24b-2507',
		]);
		expect(await values('Mistral')).toEqual(['mistralai/voxtral-small-24b-2507']);
		expect(await values('2.5-FLASH')).toEqual(['google/gemini-2.5-flash']);
		const [first] = (await searchModels.call(context(), 'voxtral')).results;
		expect(first).toEqual({ name: 'Mistral: Voxtral Small 24B 2507', value: 'mistralai/voxtral-small-24b-2507', url: 'https://openrouter.ai/mistralai/voxtral-small-24b-2507' });
		expect(server.requests.map((request) => request.path)).toEqual(Array(4).fill('/api/v1/models'));
	});

	test('with OpenRouter down (connection refused): the built-in list, still filtered', async () => {
		server = await startOpenRouterModels();
		restore = routeHttpsToOpenRouter(server.url);
		await server.close();
		expect(await values()).toEqual(MODELS.map((model) => model.value));
		expect(await values('pro')).toEqual(['google/gemini-3-pro-preview', 'google/gemini-3.1-pro-preview']);
		expect((await searchModels.call(context(), '3.1')).results).toEqual([
			{ name: 'Gemini 3.1 Pro (Preview)', value: 'google/gemini-3.1-pro-preview', url: 'https://openrouter.ai/google/gemini-3.1-pro-preview' },
		]);
	});
});
