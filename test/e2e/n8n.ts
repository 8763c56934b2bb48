/**
 * Harness for the end-to-end suite: a real n8n 2.41.1 (on its own Node 24, installed by
 * scripts/n8n-install.mjs) with this package installed from its `npm pack` tarball as a community
 * package, and fal routed to the in-process emulator through test/emulator/preload.js.
 *
 * scripts/e2e.mjs (npm run test:e2e) builds, packs, installs the tarball once into a template
 * `nodes` folder and passes the paths in E2E_* variables; each test copies that folder into a fresh
 * N8N_USER_FOLDER. Every process is spawned in its own process group and killed as a group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// Shared with scripts/dev.mjs: the n8n cache, the n8n environment, process groups.
import { killGroup, n8nPaths as cachedN8nPaths, n8nEnv as baseN8nEnv, waitReady } from '../../scripts/n8n-env.cjs';

export const repoRoot = resolve(__dirname, '..', '..');
export const outputDir = join(repoRoot, 'test-output', 'e2e');
export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'audio');
export const PACKAGE_NAME = 'n8n-nodes-fal-openrouter-audio';
export const NODE_TYPE = `${PACKAGE_NAME}.openRouterAudio`;
export const ENCRYPTION_KEY = 'e2e-encryption-key-not-secret';
export const OWNER = { email: 'owner@example.com', password: 'E2e-Owner-Password-1', firstName: 'E2E', lastName: 'Owner' };

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

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
	return await new Promise((res, rej) => {
		const srv = createServer();
		srv.once('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			srv.close(() => res(port));
		});
	});
}

const tempDirs: string[] = [];

/** A fresh N8N_USER_FOLDER with the packed package installed as a community package. */
export function makeUserFolder(label: string): string {
	const dir = mkdtempSync(join(tmpdir(), `n8n-e2e-${label}-`));
	tempDirs.push(dir);
	const nodes = join(dir, '.n8n', 'nodes');
	mkdirSync(join(dir, '.n8n'), { recursive: true });
	cpSync(n8nPaths().nodesTemplate, nodes, { recursive: true, verbatimSymlinks: true });
	return dir;
}

/** A scratch folder removed by cleanup(). */
export function makeTempDir(label: string): string {
	const dir = mkdtempSync(join(tmpdir(), `n8n-e2e-${label}-`));
	tempDirs.push(dir);
	return dir;
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
			// test/harness/env.ts silences the jest process; n8n's own logs go to the test's output on failure
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

/** `n8n <args>` in its own process group, tracked; its output is collected. */
function spawnN8n(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: { stdout: string; stderr: string; all: string } } {
	const { nodeBin, n8nBin } = n8nPaths();
	const child = spawn(nodeBin, [n8nBin, ...args], {
		env,
		cwd: env.N8N_USER_FOLDER,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	track(child);
	const output = { stdout: '', stderr: '', all: '' };
	child.stdout!.on('data', (c) => {
		output.stdout += c;
		output.all += c;
	});
	child.stderr!.on('data', (c) => {
		output.stderr += c;
		output.all += c;
	});
	return { child, output };
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Runs `n8n <args>` to completion (own process group, killed at the timeout). */
export async function n8nCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
	const started = Date.now();
	const { child, output } = spawnN8n(args, env);
	const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) =>
		child.on('close', (c, s) => res([c, s])),
	);
	clearTimeout(timer);
	running.delete(child);
	killGroup(child.pid, 'SIGKILL'); // e.g. a task runner left behind
	return { code, signal, stdout: output.stdout, stderr: output.stderr, ms: Date.now() - started };
}

/** Throws with n8n's output when a CLI call did not exit 0. */
export function expectOk(result: CliResult, what: string): CliResult {
	if (result.code !== 0) {
		throw new Error(`${what} failed (${result.signal ?? result.code}):\n${tail(result.stdout + result.stderr)}`);
	}
	return result;
}

export function tail(text: string, chars = 6000): string {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

export function writeJson(dir: string, name: string, value: unknown): string {
	const file = join(dir, name);
	writeFileSync(file, JSON.stringify(value, null, 2));
	return file;
}

export async function importCredential(
	env: NodeJS.ProcessEnv,
	credential: { id: string; name: string; apiKey: string },
): Promise<void> {
	const dir = makeTempDir('cred');
	const file = writeJson(dir, 'credentials.json', [
		{ id: credential.id, name: credential.name, type: 'falApi', data: { apiKey: credential.apiKey } },
	]);
	expectOk(await n8nCli(['import:credentials', `--input=${file}`], env), 'import:credentials');
	rmSync(dir, { recursive: true, force: true });
}

export async function importWorkflows(env: NodeJS.ProcessEnv, workflows: object[]): Promise<void> {
	const dir = makeTempDir('wf');
	workflows.forEach((wf, i) => writeJson(dir, `${i}.json`, wf));
	expectOk(await n8nCli(['import:workflow', '--separate', `--input=${dir}`], env), 'import:workflow');
	rmSync(dir, { recursive: true, force: true });
}

export interface RunItem {
	json: Record<string, any>;
	binary?: Record<string, any>;
	error?: any;
}

export interface RunData {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<RunItem[] | null> }; error?: any }>>;
			error?: any;
			lastNodeExecuted?: string;
		};
	};
	status?: string;
	finished?: boolean;
}

/**
 * `n8n execute --rawOutput` prints the run as pretty JSON among its log lines (n8n 2.x prints
 * it through the logger). Returns the last JSON object found that looks like a run.
 */
export function parseRunOutput(stdout: string): RunData | undefined {
	const starts: number[] = [];
	const re = /^\{\s*$/gm;
	let m: RegExpExecArray | null;
	while ((m = re.exec(stdout))) starts.push(m.index);
	for (const start of starts.reverse()) {
		const ends: number[] = [];
		const endRe = /^\}\s*$/gm;
		endRe.lastIndex = start;
		let e: RegExpExecArray | null;
		while ((e = endRe.exec(stdout))) ends.push(e.index + 1);
		for (const end of ends.reverse()) {
			try {
				const value = JSON.parse(stdout.slice(start, end));
				if (value?.data?.resultData) return value as RunData;
			} catch {
				/* try a shorter slice */
			}
		}
	}
	return undefined;
}

/** The output items of a node in a run (first run, first output). */
export function nodeItems(run: RunData, nodeName: string): RunItem[] {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData)}`);
	return runs[0].data?.main?.[0] ?? [];
}

export interface N8nServer {
	url: string;
	port: number;
	child: ChildProcess;
	logs: () => string;
	stop: () => Promise<void>;
}

/** `n8n start` (or `n8n worker`); resolves once the HTTP health endpoint answers. */
export async function startN8n(
	env: NodeJS.ProcessEnv,
	opts: { command?: string[]; readyPath?: string; readyPort?: number; timeoutMs?: number } = {},
): Promise<N8nServer> {
	const command = opts.command ?? ['start'];
	const { child, output } = spawnN8n(command, env);
	const logs = (): string => output.all;
	const port = opts.readyPort ?? Number(env.N8N_PORT);
	const url = `http://127.0.0.1:${port}`;
	const server: N8nServer = {
		url,
		port,
		child,
		logs,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise<void>((res) => child.once('exit', () => res()));
				killGroup(child.pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000);
				await exited;
				clearTimeout(timer);
			}
			killGroup(child.pid, 'SIGKILL');
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

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(
	what: string,
	check: () => T | undefined | false | Promise<T | undefined | false>,
	timeoutMs = 60_000,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** A logged-in REST session (cookie auth, as the editor uses). */
export class Rest {
	constructor(
		readonly baseUrl: string,
		readonly cookie: string,
	) {}

	async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
		const res = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				cookie: this.cookie,
				'content-type': 'application/json',
				// n8n's browser-id check on authenticated requests
				'browser-id': 'e2e-browser',
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed };
	}

	async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, path, body);
		if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 1000)}`);
		return (res.body?.data ?? res.body) as T;
	}
}

function cookieFrom(res: Response): string {
	const all = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
	const auth = all.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	if (!auth.length) throw new Error(`no n8n-auth cookie in the response (${res.status})`);
	return auth[0];
}

/** Creates the owner (first start of a user folder) and returns a logged-in session. */
export async function setupOwnerAndLogin(baseUrl: string): Promise<Rest> {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e-browser' },
		body: JSON.stringify(OWNER),
	});
	if (setup.status >= 300 && setup.status !== 400) {
		throw new Error(`owner setup -> ${setup.status}: ${await setup.text()}`);
	}
	return await login(baseUrl);
}

export async function login(baseUrl: string): Promise<Rest> {
	const res = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e-browser' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }),
	});
	if (res.status !== 200) throw new Error(`login -> ${res.status}: ${await res.text()}`);
	return new Rest(baseUrl, cookieFrom(res));
}

/** Stops every process the harness started and removes the temp folders. */
export async function cleanup(): Promise<void> {
	for (const child of [...running]) killGroup(child.pid, 'SIGTERM');
	await sleep(running.size ? 1500 : 0);
	for (const child of [...running]) killGroup(child.pid, 'SIGKILL');
	running.clear();
	if (!process.env.E2E_KEEP_TMP) {
		for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	}
}

/** The fixture if it exists, else a tiny generated WAV (0.1 s of silence, 8 kHz mono 8-bit). */
export function audioFixture(name = 'speech.wav'): string {
	const file = join(fixturesDir, name);
	if (existsSync(file)) return file;
	const dir = makeTempDir('audio');
	const samples = 800;
	const buf = Buffer.alloc(44 + samples, 0x80);
	buf.write('RIFF', 0);
	buf.writeUInt32LE(36 + samples, 4);
	buf.write('WAVE', 8);
	buf.write('fmt ', 12);
	buf.writeUInt32LE(16, 16);
	buf.writeUInt16LE(1, 20); // PCM
	buf.writeUInt16LE(1, 22); // mono
	buf.writeUInt32LE(8000, 24);
	buf.writeUInt32LE(8000, 28);
	buf.writeUInt16LE(1, 32);
	buf.writeUInt16LE(8, 34);
	buf.write('data', 36);
	buf.writeUInt32LE(samples, 40);
	const out = join(dir, name.endsWith('.wav') ? name : 'speech.wav');
	writeFileSync(out, buf);
	return out;
}

/** Whether a command exists on PATH (redis-server, chromium). */
export function hasCommand(cmd: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Activates (n8n 2.x: publishes) a workflow through the REST API. */
export async function activate(session: Rest, id: string, versionId: string): Promise<void> {
	const res = await session.request('POST', `/rest/workflows/${id}/activate`, { versionId });
	if (res.status >= 300) {
		throw new Error(`activating workflow ${id} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 1000)}`);
	}
}

/**
 * Waits until n8n serves a production webhook. n8n 2.x publishes an activated workflow through an
 * outbox, so the webhook can appear a moment after the activate call returned. A GET probe never
 * runs the (POST) workflow: n8n answers "not registered for GET requests" once it knows the path.
 */
export async function waitForWebhook(baseUrl: string, path: string, timeoutMs = 60_000): Promise<void> {
	await waitFor(
		`webhook ${path} to be registered`,
		async () => {
			const res = await fetch(`${baseUrl}/webhook/${path}`);
			const text = await res.text();
			return res.status !== 404 || /not registered for GET requests/.test(text);
		},
		timeoutMs,
		250,
	);
}
