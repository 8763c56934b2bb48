// Loads the BUILT package the way n8n does for a community package: PackageDirectoryLoader reads the
// `n8n` section of package.json and requires the files it lists, so a passing load proves the packaging.
import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Repository root: the package directory n8n would install (found upward, so compiled copies work too). */
export const repoRoot = findPackageRoot(__dirname);

function findPackageRoot(from: string): string {
	for (let dir = from; ; dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'nodes'))) return dir;
		if (dirname(dir) === dir) throw new Error(`No package root above ${from}`);
	}
}

/** package.json `name`; n8n prefixes the package's node type names with it. Read without loading dist/. */
export const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string })
	.name;

export interface LoadedPackage {
	loader: PackageDirectoryLoader;
	/** package.json `name`, the prefix n8n puts before node type names. */
	packageName: string;
	/** Full n8n type name (`<package>.<node>`) -> node type. */
	nodes: Record<string, INodeType | IVersionedNodeType>;
	/** Credential type name (not prefixed in n8n) -> credential type. */
	credentials: Record<string, ICredentialType>;
}

// One load per jest worker: requiring dist/ again per test adds nothing and costs time.
let cached: Promise<LoadedPackage> | undefined;

/** Load the built package once per process. Throws a clear error if dist/ was not built. */
export async function loadPackage(): Promise<LoadedPackage> {
	cached ??= load().catch((error: unknown) => {
		cached = undefined; // let a later call retry, e.g. after `npm run build`
		throw error;
	});
	return await cached;
}

async function load(): Promise<LoadedPackage> {
	const loader = new PackageDirectoryLoader(repoRoot);
	const missing = [...(loader.packageJson.n8n?.nodes ?? []), ...(loader.packageJson.n8n?.credentials ?? [])]
		.filter((file) => !existsSync(join(repoRoot, file)));
	if (missing.length > 0) {
		throw new Error(`Built files missing (run \`npm run build\`): ${missing.join(', ')}`);
	}
	await loader.loadAll();

	const nodes: LoadedPackage['nodes'] = {};
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		nodes[`${loader.packageName}.${name}`] = type;
	}
	const credentials: LoadedPackage['credentials'] = {};
	for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
		credentials[name] = type;
	}
	return { loader, packageName: loader.packageName, nodes, credentials };
}

/** True once the product node has been built into dist/. */
export function isPackageBuilt(): boolean {
	return existsSync(join(repoRoot, 'dist', 'nodes', 'OpenRouterAudio', 'OpenRouterAudio.node.js'));
}
