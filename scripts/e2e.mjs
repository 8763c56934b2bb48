#!/usr/bin/env node
// `npm run test:e2e [-- jest args]`: build, pack, install the tarball the way n8n installs a
// community package, then run jest with jest.e2e.config.js against a real n8n 2.41.1.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n } from './n8n-install.mjs';
import { exec, installCommunityPackage, killGroup } from './n8n-env.cjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const log = (msg) => process.stderr.write(`[e2e] ${msg} (+${((Date.now() - t0) / 1000).toFixed(1)}s)\n`);

/** Process groups the suite started (n8n, workers, redis) that are still alive after jest: kill them. */
function killLeftovers(pidFile) {
	if (!existsSync(pidFile)) return;
	let killed = 0;
	for (const pid of readFileSync(pidFile, 'utf8').split('\n').map(Number).filter(Boolean)) {
		if (killGroup(pid, 'SIGKILL')) killed++;
	}
	if (killed) log(`killed ${killed} leftover process group(s)`);
}

log('npm run build');
await exec('npm', ['run', 'build'], { cwd: repo });
const n8n = await ensureN8n();

const work = mkdtempSync(join(tmpdir(), 'n8n-e2e-run-'));
let code = 1;
try {
	const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo });
	const tgz = join(work, JSON.parse(stdout)[0].filename);
	log(`packed ${tgz}`);

	// The tarball installed the way n8n installs a community package (see installCommunityPackage).
	const nodesTemplate = join(work, 'nodes');
	await installCommunityPackage(tgz, nodesTemplate);
	log('installed the tarball into the template nodes folder');

	const pidFile = join(work, 'pids');
	writeFileSync(pidFile, '');
	// every temp folder of the suite (user folders, watched folders...) lives under the run's folder
	const tmp = join(work, 'tmp');
	mkdirSync(tmp);
	const jest = spawn(
		process.execPath,
		[join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', join(repo, 'jest.e2e.config.js'), ...process.argv.slice(2)],
		{
			cwd: repo,
			stdio: 'inherit',
			env: {
				...process.env,
				E2E_N8N_NODE_BIN: n8n.nodeBin,
				E2E_N8N_BIN: n8n.n8nBin,
				E2E_PACKAGE_TGZ: tgz,
				E2E_NODES_TEMPLATE: nodesTemplate,
				E2E_PID_FILE: pidFile,
				TMPDIR: tmp,
			},
		},
	);
	const forward = (sig) => jest.kill(sig);
	process.on('SIGINT', forward);
	process.on('SIGTERM', forward);
	code = await new Promise((res) => jest.on('close', (c, s) => res(c ?? (s ? 1 : 0))));
	log(`jest exited with ${code}`);
} finally {
	killLeftovers(join(work, 'pids'));
	if (!process.env.E2E_KEEP_TMP) rmSync(work, { recursive: true, force: true });
}
process.exit(code);
