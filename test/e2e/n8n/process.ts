/**
 * n8n processes of the e2e suite: a real n8n 2.41.1 (on its own Node 24, installed by
 * scripts/n8n-install.mjs) with this package installed from its `npm pack` tarball as a community
 * package, and fal routed to the in-process emulator through test/tools/emulator/preload.js.
 *
 * scripts/e2e.mjs (npm run test:e2e) builds, packs, installs the tarball once into a template
 * `nodes` folder and passes the paths in E2E_* variables; each test copies that folder into a fresh
 * N8N_USER_FOLDER. Every process is spawned in its own process group and killed as a group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
// Shared with scripts/dev.mjs: the n8n cache, the n8n environment, process groups, ports.
import {
	freePort,
	killGroup,
	n8nPaths as cachedN8nPaths,
	n8nEnv as baseN8nEnv,
	stopGroup,
	waitReady,
} from '../../../scripts/n8n-env.cjs';
import { sleep } from './wait';

export { freePort };

export const ENCRYPTION_KEY = 'e2e-encryption-key-not-secret';

export interface N8nPaths {
	nodeBin: string;
	n8nBin: string;
	nodesTemplate: string;
}

export function n8nPaths(): N8nPaths {
	const cached = cachedN8nPaths();
	const nodeBin = process.env.E2E_N8N_NODE_BIN ?? cached.nodeBin;
	const n8nBin = process.env.E2E_N8N_BIN ?? cached.n8nBin;
	const nodesTemplate = process.env.E2E_NODES_TEMPLATE ?? '';
	if (!existsSync(nodeBin) || !existsSync(n8nBin) || !nodesTemplate || !existsSync(nodesTemplate)) {
		throw new Error('n8n or the packed package is missing: run the suite with `npm run test:e2e`');
	}
	return { nodeBin, n8nBin, nodesTemplate };
}

export interface EnvOptions {
	userFolder: string;
	port?: number;
	emulatorUrl?: string;
	extra?: Record<string, string>;
}

/**
 * Environment of every n8n process of the suite: the one scripts/dev.mjs uses (scripts/n8n-env.cjs),
 * started from this process's environment without jest's and the runner's variables, fal -> emulator.
 */
export function n8nEnv(o: EnvOptions): NodeJS.ProcessEnv {
	const base: NodeJS.ProcessEnv = { ...process.env };
	for (const key of Object.keys(base)) if (/^(JEST_|E2E_)/i.test(key)) delete base[key];
	delete base.NODE_OPTIONS;
	delete base.FAL_KEY;
	// jest sets NODE_ENV=test, which makes n8n think it runs in its own unit tests (silent logger, no server)
	delete base.NODE_ENV;
	return baseN8nEnv({
		base,
		userFolder: o.userFolder,
		port: o.port ?? 5678,
		encryptionKey: ENCRYPTION_KEY,
		// Code nodes run in n8n's internal JavaScript task runner, started as `node` from PATH: Node 24.
		nodeBin: n8nPaths().nodeBin,
		emulatorUrl: o.emulatorUrl,
		extra: {
			// test/tools/harness/env.ts silences the jest process; n8n's own logs go to the test's output on failure
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_DISABLED_MODULES: 'mcp-registry',
			NO_COLOR: '1',
			...o.extra,
		},
	});
}

const running = new Set<ChildProcess>();

/**
 * Every process group the suite starts is also written to E2E_PID_FILE: if jest itself is killed
 * (Ctrl-C), scripts/e2e.mjs still kills what is left.
 */
export function track(child: ChildProcess): ChildProcess {
	running.add(child);
	if (process.env.E2E_PID_FILE && child.pid) appendFileSync(process.env.E2E_PID_FILE, `${child.pid}\n`);
	child.once('exit', () => running.delete(child));
	return child;
}

// Last resort: whatever is still running when jest's worker exits goes with it (the whole process
// group: also after the leader exited, a task runner may remain).
process.once('exit', () => {
	for (const child of running) killGroup(child.pid, 'SIGKILL');
});

export function tail(text: string, chars = 6000): string {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

export interface N8nServer {
	url: string;
	port: number;
	child: ChildProcess;
	logs: () => string;
	stop: () => Promise<void>;
}

/** `n8n start` (or `n8n worker`) in its own process group; resolves once the HTTP health endpoint answers. */
export async function startN8n(
	env: NodeJS.ProcessEnv,
	opts: { command?: string[]; readyPath?: string; readyPort?: number; timeoutMs?: number } = {},
): Promise<N8nServer> {
	const command = opts.command ?? ['start'];
	const { nodeBin, n8nBin } = n8nPaths();
	const child = track(
		spawn(nodeBin, [n8nBin, ...command], { env, cwd: env.N8N_USER_FOLDER, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
	);
	let output = '';
	child.stdout!.on('data', (c) => (output += c));
	child.stderr!.on('data', (c) => (output += c));
	const logs = (): string => output;
	const port = opts.readyPort ?? Number(env.N8N_PORT);
	const url = `http://127.0.0.1:${port}`;
	const server: N8nServer = {
		url,
		port,
		child,
		logs,
		stop: async () => {
			await stopGroup(child, 10_000);
			running.delete(child);
		},
	};
	const timeoutMs = opts.timeoutMs ?? 120_000;
	const state = await waitReady(`${url}${opts.readyPath ?? '/healthz/readiness'}`, child, timeoutMs);
	if (state === 'ready') return server;
	if (state === 'exited') {
		throw new Error(`n8n ${command.join(' ')} exited early (${child.exitCode ?? child.signalCode}):\n${tail(logs())}`);
	}
	await server.stop();
	throw new Error(`n8n ${command.join(' ')} not ready after ${timeoutMs} ms:\n${tail(logs())}`);
}

/** Whether a command exists on PATH (redis-server, chromium). */
export function hasCommand(cmd: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Stops every process the harness started. */
export async function stopAll(): Promise<void> {
	for (const child of [...running]) killGroup(child.pid, 'SIGTERM');
	await sleep(running.size ? 1500 : 0);
	for (const child of [...running]) killGroup(child.pid, 'SIGKILL');
	running.clear();
}
