#!/usr/bin/env node
// `npm run dev`: this package inside a real n8n 2.41.1 on http://127.0.0.1:5678.
//
//   npm run dev                      n8n with the node; FAL_KEY=... also stores a "Fal API" credential
//   FAL_EMULATOR=1 npm run dev       no key needed: fal is answered by the local emulator (key test-key)
//   N8N_PORT=5679 npm run dev        another port
//
// Steps: build -> ensure n8n + Node 24 (cached outside the repo) -> install the package into
// .n8n-dev/.n8n/nodes (the way n8n installs community packages) -> import examples/*.json and the
// credential -> n8n start (N8N_DEV_RELOAD=true) -> on every successful recompile (tsc --watch), and on a
// changed icon or codex file (gulp), copy dist into the installed package, which n8n hot-reloads.
// Ctrl-C stops n8n, tsc and the emulator.
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	watch,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n } from './n8n-install.mjs';
import {
	exec,
	freePort,
	importCredentials,
	importWorkflows,
	installCommunityPackage,
	isPortFree,
	n8nEnv,
	sha256,
	stopGroup,
	waitReady,
} from './n8n-env.cjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const devRoot = join(repo, '.n8n-dev');
const userFolder = devRoot; // n8n keeps its data in <N8N_USER_FOLDER>/.n8n
const nodesDir = join(userFolder, '.n8n', 'nodes');
const installedPkgDir = join(nodesDir, 'node_modules', pkg.name);
const statePath = join(devRoot, 'dev-state.json');
const port = Number(process.env.N8N_PORT || 5678);
const useEmulator = /^(1|true|yes)$/i.test(process.env.FAL_EMULATOR || '');
// Fixed ids, so that re-running dev updates instead of duplicating.
const CREDENTIAL_ID = 'falApiDevCredent';
const CREDENTIAL_NAME = useEmulator ? 'Fal API (emulator)' : 'Fal API account';

/** Everything that changes while dev runs. */
const dev = {
	/** processes started in their own group (n8n, tsc), stopped with it */
	children: new Set(),
	/** the running `n8n start` */
	n8n: undefined,
	/** the fal emulator (FAL_EMULATOR=1) */
	emulator: undefined,
	/** Ctrl-C seen */
	stopping: false,
	/** n8n's task broker (Code nodes): a probed free port, so a second dev on port + 1 never collides */
	brokerPort: Number(process.env.N8N_RUNNERS_BROKER_PORT) || 0,
};

const log = (msg) => process.stderr.write(`\x1b[36m[dev]\x1b[0m ${msg}\n`);

/** Spawns in its own process group, so stopping it also stops its children (task runners, npm...). */
function start(cmd, args, opts = {}) {
	const child = spawn(cmd, args, { stdio: 'inherit', detached: true, ...opts });
	dev.children.add(child);
	child.on('exit', () => dev.children.delete(child));
	return child;
}

async function shutdown(code = 0) {
	if (dev.stopping) return;
	dev.stopping = true;
	log('stopping...');
	await Promise.all([...dev.children].map((c) => stopGroup(c)));
	if (dev.emulator) await dev.emulator.close().catch(() => {});
	process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));


function readState() {
	try {
		return JSON.parse(readFileSync(statePath, 'utf8'));
	} catch {
		return {};
	}
}

/** Installs the packed package into .n8n-dev/.n8n/nodes the way n8n installs community packages. */
async function installPackage(state) {
	const wantedHash = sha256(JSON.stringify({ deps: pkg.dependencies, n8n: pkg.n8n, name: pkg.name, v: pkg.version }));
	if (state.installHash === wantedHash && existsSync(join(installedPkgDir, 'package.json'))) {
		syncDist(); // dependencies unchanged: the fresh build is enough
		return;
	}
	log(`installing ${pkg.name} into ${nodesDir} (as n8n installs community packages)`);
	const packDir = mkdtempSync(join(tmpdir(), 'n8n-dev-pack-'));
	try {
		const { stdout } = await exec('npm', ['pack', '--pack-destination', packDir, '--json'], { cwd: repo });
		await installCommunityPackage(join(packDir, JSON.parse(stdout)[0].filename), nodesDir);
	} finally {
		rmSync(packDir, { recursive: true, force: true });
	}
	state.installHash = wantedHash;
	writeFileSync(statePath, JSON.stringify(state, null, 2));
}

/**
 * After a rebuild, the installed copy gets the fresh dist (dependencies don't change on a rebuild).
 * Copied outside the package folder n8n watches (a copy inside it set off a reload of a half-copied
 * package: "Hot reload failed") and swapped in with one rename, which n8n reloads once.
 */
function syncDist() {
	const target = join(installedPkgDir, 'dist');
	const next = join(devRoot, '.dist-next');
	rmSync(next, { recursive: true, force: true });
	cpSync(join(repo, 'dist'), next, { recursive: true });
	rmSync(target, { recursive: true, force: true });
	renameSync(next, target);
}

/** With FAL_EMULATOR=1, n8n --requires the emulator's routing (fal's fetch and https traffic). */
function n8nProcessEnv(n8nInfo) {
	return n8nEnv({
		userFolder,
		port,
		encryptionKey: encryptionKey(),
		nodeBin: n8nInfo.nodeBin,
		emulatorUrl: useEmulator ? dev.emulator.url : undefined,
		// n8n's own hot reload (what `n8n-node dev` uses): n8n watches every loaded package folder,
		// including a community package in .n8n/nodes/node_modules, drops its modules from
		// require's cache and loads it again when files change there. No restart on a rebuild.
		extra: { N8N_DEV_RELOAD: 'true', N8N_RUNNERS_BROKER_PORT: String(dev.brokerPort) },
	});
}

/** A key of this dev folder only (kept in .n8n-dev), so stored credentials stay readable. */
function encryptionKey() {
	if (process.env.N8N_ENCRYPTION_KEY) return process.env.N8N_ENCRYPTION_KEY;
	const file = join(devRoot, 'encryption-key');
	if (!existsSync(file)) {
		mkdirSync(devRoot, { recursive: true });
		writeFileSync(file, sha256(`${Date.now()}-${Math.random()}`), { mode: 0o600 });
	}
	return readFileSync(file, 'utf8').trim();
}

async function n8nCli(n8nInfo, args) {
	return exec(n8nInfo.nodeBin, [n8nInfo.n8nBin, ...args], { cwd: devRoot, env: n8nProcessEnv(n8nInfo) });
}

/** examples/*.json workflows + the credential; skipped when nothing changed since the last run. */
async function importData(n8nInfo, state) {
	const apiKey = useEmulator ? 'test-key' : process.env.FAL_KEY;
	const examplesDir = join(repo, 'examples');
	const workflows = [];
	if (existsSync(examplesDir)) {
		for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort()) {
			let wf;
			try {
				wf = JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
			} catch (err) {
				log(`skipping examples/${file}: ${err.message}`);
				continue;
			}
			if (!Array.isArray(wf.nodes) || typeof wf.connections !== 'object') continue;
			// A stable id per file: re-importing replaces the workflow instead of adding a copy.
			wf.id ??= sha256(`example:${file}`).replace(/[^a-zA-Z0-9]/g, '').slice(0, 16);
			wf.name ??= file.replace(/\.json$/, '');
			if (apiKey) {
				for (const node of wf.nodes) {
					if (node.credentials?.falApi) node.credentials.falApi = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
				}
			}
			workflows.push(wf);
		}
	}
	const importHash = sha256(JSON.stringify({ workflows, key: apiKey ? sha256(apiKey) : null, useEmulator }));
	if (state.importHash === importHash) return;

	const cli = (args) => n8nCli(n8nInfo, args);
	if (apiKey) {
		log(`storing the credential "${CREDENTIAL_NAME}"${useEmulator ? ' (key test-key)' : ' (key from FAL_KEY)'}`);
		await importCredentials(cli, [{ id: CREDENTIAL_ID, name: CREDENTIAL_NAME, apiKey }]);
	} else {
		log('FAL_KEY is not set: no credential stored (add one in the editor, or run with FAL_EMULATOR=1)');
	}
	if (workflows.length) {
		log(`importing ${workflows.length} example workflow(s)`);
		await importWorkflows(cli, workflows);
	}
	state.importHash = importHash;
	writeFileSync(statePath, JSON.stringify(state, null, 2));
}

async function startN8n(n8nInfo) {
	const started = Date.now();
	const child = start(n8nInfo.nodeBin, [n8nInfo.n8nBin, 'start'], { cwd: devRoot, env: n8nProcessEnv(n8nInfo) });
	dev.n8n = child;
	child.on('exit', (code, signal) => {
		if (dev.n8n === child && !dev.stopping) {
			log(`n8n exited (${signal ?? code}); stopping`);
			void shutdown(code || 1);
		}
	});
	if ((await waitReady(`http://127.0.0.1:${port}/healthz/readiness`, child, 180000, 500)) === 'ready') {
		log(
			`\x1b[32mn8n is ready: http://127.0.0.1:${port}\x1b[0m (${((Date.now() - started) / 1000).toFixed(1)}s)` +
				(useEmulator ? ' - fal answered by the emulator' : ''),
		);
		let firstVisit = false;
		try {
			const settings = await (await fetch(`http://127.0.0.1:${port}/rest/settings`)).json();
			firstVisit = Boolean(settings?.data?.userManagement?.showSetupOnFirstLoad);
		} catch {
			/* only a hint */
		}
		if (firstVisit) log('first visit: n8n asks you to create the owner account (stays in .n8n-dev)');
		log('edit nodes/ or credentials/ and n8n reloads the new build (reload the editor page); Ctrl-C stops everything');
	}
}

async function main() {
	if (!(await isPortFree(port))) {
		log(`port ${port} is in use (another n8n?). Use N8N_PORT=<port> npm run dev`);
		process.exit(1);
	}
	// n8n's task broker defaults to 5679, which is where a second dev on N8N_PORT=5679 would listen.
	if (dev.brokerPort && !(await isPortFree(dev.brokerPort))) {
		log(`port ${dev.brokerPort} (N8N_RUNNERS_BROKER_PORT) is in use; unset it and dev picks a free one`);
		process.exit(1);
	}
	dev.brokerPort ||= await freePort();
	log('building the package (npm run build)');
	await exec('npm', ['run', 'build'], { cwd: repo }).catch((err) => {
		log(err.message);
		process.exit(1);
	});
	const n8nInfo = await ensureN8n();
	mkdirSync(devRoot, { recursive: true });
	const state = readState();
	await installPackage(state);

	if (useEmulator) {
		const require = createRequire(import.meta.url);
		const { startFalEmulator } = require(join(repo, 'test', 'tools', 'emulator'));
		dev.emulator = await startFalEmulator({ latencyMs: 300 });
		log(`fal emulator on ${dev.emulator.url} (valid key: test-key)`);
	}
	await importData(n8nInfo, state);
	await startN8n(n8nInfo);

	// Recompile on change; each finished compile goes into the installed package, n8n reloads it.
	const tsc = start(
		process.execPath,
		[join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'],
		{ cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	let first = true;
	let buf = '';
	tsc.stdout.on('data', (chunk) => {
		buf += chunk.toString();
		let nl;
		while ((nl = buf.indexOf('\n')) >= 0) {
			const line = buf.slice(0, nl).replace(/\x1bc|\x1b\[[0-9;]*[A-Za-z]/g, '');
			buf = buf.slice(nl + 1);
			if (/error TS\d+/.test(line)) process.stderr.write(`[tsc] ${line}\n`);
			const m = /Found (\d+) errors?\./.exec(line);
			if (!m) continue;
			if (first) {
				first = false; // the initial compile of --watch: dist is already current
				continue;
			}
			if (m[1] === '0') {
				log('rebuilt: copying dist into the installed package (n8n reloads it)');
				syncDist();
			}
			else log(`tsc found ${m[1]} error(s); n8n keeps the previous build`);
		}
	});

	// tsc emits only JavaScript: icons and the codex file (*.node.json) are gulp's, copied on their change.
	// Their folders are watched, not the files: an editor or git replaces a file, which ends a file's watch.
	const isAsset = (file) => /\.(png|svg)$|\.node\.json$/.test(String(file));
	let copying;
	const onAsset = (_event, file) => {
		if (!isAsset(file)) return;
		clearTimeout(copying);
		copying = setTimeout(async () => {
			await exec('npx', ['gulp', 'build:icons'], { cwd: repo }).then(
				() => (log(`${file} changed: copying it into the installed package (n8n reloads it)`), syncDist()),
				(err) => log(err.message),
			);
		}, 300);
	};
	const assetDirs = ['nodes', 'credentials'].flatMap((dir) =>
		readdirSync(join(repo, dir), { recursive: true }).filter(isAsset).map((file) => dirname(join(repo, dir, file))),
	);
	for (const dir of new Set(assetDirs)) watch(dir, onAsset);
}

main().catch(async (err) => {
	log(err.stack || String(err));
	await shutdown(1);
});
