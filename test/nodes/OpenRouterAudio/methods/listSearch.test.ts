/**
 * The node's model picker (methods.listSearch.searchModels) in n8n-core's real LoadOptionsContext, the
 * way the editor calls it: OpenRouter's live list from the stand-in when it is up, the built-in list when
 * openrouter.ai cannot be reached.
 */
import { Container } from '@n8n/di';
import { LoadOptionsContext } from 'n8n-core';
import type { INode, INodeType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { MODELS } from '../../../../nodes/OpenRouterAudio/methods/listSearch';
import { routeHttpsToOpenRouter, startOpenRouterModels } from '../../../emulator/openrouter';
import { loadPackage } from '../../../harness/loader';
import { createNodeTypes, type TestNodeTypes } from '../../../harness/nodes';
import { OPENROUTER_AUDIO_TYPE } from '../../../harness/workflow';

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
