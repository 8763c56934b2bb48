// Shared by scripts/dev.mjs (the e2e harness in test/e2e/n8n.ts keeps its own TypeScript copy).
// Environment for a local, quiet, offline n8n 2.41 with SQLite and community packages on.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{ userFolder: string, port: number, encryptionKey: string, extra?: Record<string,string> }} o
 * @returns {Record<string, string>}
 */
export function n8nEnv({ userFolder, port, encryptionKey, extra = {} }) {
	const env = { ...process.env };
	// npm run sets npm_* variables (and the repo's ignore-scripts); n8n's own npm calls must not see them.
	for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
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
		// n8n only warns that the Python runner is unavailable). Its broker port must be free.
		N8N_RUNNERS_BROKER_PORT: String(port + 1),
		...extra,
	};
}

export function sha256(text) {
	return createHash('sha256').update(text).digest('hex');
}

/** Runs a command to completion; rejects with its output tail on failure. */
export function exec(cmd, args, opts = {}) {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
		let out = '';
		let err = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (err += c));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) resolvePromise({ stdout: out, stderr: err });
			else {
				const e = new Error(
					`${[cmd, ...args].join(' ')} failed (${signal ?? `exit ${code}`})\n${(out + err).slice(-4000)}`,
				);
				e.stdout = out;
				e.stderr = err;
				e.code = code;
				reject(e);
			}
		});
	});
}

/** npm's own environment without what `npm run` injects (e.g. the repo's ignore-scripts, prefix). */
export function cleanNpmEnv() {
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
	return env;
}

/**
 * Installs a package tarball into <userFolder>/.n8n/nodes exactly the way n8n 2.41 installs a
 * community package (CommunityPackagesService.downloadPackage): unpack into
 * nodes/node_modules/<name>, drop dev/peer/optional dependencies from its package.json, run
 * `npm install --install-strategy=shallow --ignore-scripts=true ...` inside it, and record the
 * package in nodes/package.json. n8n then loads every nodes/node_modules/n8n-nodes-* folder.
 */
export async function installCommunityPackage(tgz, nodesDir) {
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
