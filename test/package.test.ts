// The built package, loaded exactly as n8n loads a community package (PackageDirectoryLoader reads the
// `n8n` section of package.json), exposes the node and credential with what n8n needs from them.
import type { ICredentialType, INode, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { TestCredentialsHelper, loadPackage, repoRoot, type LoadedPackage, createNodeTypes, OPENROUTER_AUDIO_TYPE, OPENROUTER_AUDIO_TRIGGER_TYPE } from './tools/harness';

let pkg: LoadedPackage;
let node: INodeTypeDescription;
let credential: ICredentialType;

beforeAll(async () => {
	pkg = await loadPackage();
	node = (pkg.loader.getNode('openRouterAudio').type as INodeType).description;
	credential = pkg.loader.getCredential('falApi').type;
});

/** Loader-rewritten icon URL (`icons/<package>/<path>`) -> file path inside the package. */
function iconFiles(owner: { icon?: unknown; iconUrl?: unknown }): string[] {
	// The loader turns every `file:` icon into an iconUrl; a leftover `file:` icon would not display.
	expect(JSON.stringify(owner.icon ?? '')).not.toContain('file:');
	const urls = typeof owner.iconUrl === 'string' ? [owner.iconUrl] : Object.values(owner.iconUrl ?? {});
	return (urls as string[]).map((url) => {
		expect(url.startsWith(`icons/${pkg.packageName}/`)).toBe(true);
		return url.slice(`icons/${pkg.packageName}/`.length);
	});
}

describe('built package loaded by n8n', () => {
	it('registers exactly the node and the credential under n8n type names', () => {
		expect(pkg.packageName).toBe('n8n-nodes-fal-openrouter-audio');
		expect(Object.keys(pkg.nodes)).toEqual([OPENROUTER_AUDIO_TYPE, OPENROUTER_AUDIO_TRIGGER_TYPE]);
		expect(Object.keys(pkg.credentials)).toEqual(['falApi']);
		expect(pkg.loader.known.credentials.falApi.supportedNodes).toEqual(['openRouterAudio', 'openRouterAudioTrigger']);
	});

	it('describes the node as a version-1, tool-usable node needing falApi', () => {
		expect(node.name).toBe('openRouterAudio');
		expect(node.version).toBe(1);
		expect(node.usableAsTool).toBe(true);
		expect(node.credentials).toEqual([expect.objectContaining({ name: 'falApi', required: true })]);
		// n8n resolves it by full name and version, as the engine does when running a workflow.
		expect(createNodeTypes(pkg.nodes).getByNameAndVersion(OPENROUTER_AUDIO_TYPE, 1).description).toBe(node);
	});

	it('ships the codex file next to the node so n8n files it under its categories', () => {
		// n8n reads `<node file>.json`; without it the node has no categories, aliases or docs links.
		expect(node.codex?.categories).toEqual(expect.arrayContaining(['AI']));
		expect(node.codex?.alias).toEqual(expect.arrayContaining(['transcribe']));
	});

	it('has a falApi credential with a password apiKey, generic authenticate and a test request', async () => {
		expect(credential.properties).toEqual([
			expect.objectContaining({ name: 'apiKey', type: 'string', typeOptions: { password: true } }),
			// Optional, never shown: only "Delete Request Data After Answer" sends it.
			expect.objectContaining({ name: 'adminApiKey', type: 'string', typeOptions: { password: true }, default: '' }),
		]);
		expect(credential.properties[1].required).toBeFalsy();
		expect(credential.authenticate).toMatchObject({ type: 'generic' });

		// Apply the block the way n8n does (expression resolved against $credentials).
		const helper = new TestCredentialsHelper({}, pkg.credentials);
		const probe: INode = { id: 'p', name: 'Probe', type: OPENROUTER_AUDIO_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
		const workflow = new Workflow({ nodes: [probe], connections: {}, active: false, nodeTypes: createNodeTypes(pkg.nodes) });
		const request = await helper.authenticate({ apiKey: 'test-key' }, 'falApi', { url: 'https://x' }, workflow, probe);
		expect(request.headers).toEqual({ Authorization: 'Key test-key' });

		const test = credential.test?.request;
		expect(test?.method ?? 'GET').toBe('GET');
		const url = new URL(`${test?.baseURL ?? ''}${test?.url ?? ''}`);
		for (const [key, value] of Object.entries(test?.qs ?? {})) url.searchParams.set(key, String(value));
		expect(decodeURIComponent(url.toString())).toBe(
			'https://api.fal.ai/v1/models/pricing?endpoint_id=openrouter/router/audio',
		);
	});

	it('lists light and dark icons that exist in dist/', () => {
		for (const owner of [node, credential]) {
			const files = iconFiles(owner);
			expect(files).toHaveLength(2);
			for (const file of files) {
				expect(file).toMatch(/^dist\/.*\.(svg|png)$/);
				expect(existsSync(join(repoRoot, file))).toBe(true);
			}
		}
	});
});
