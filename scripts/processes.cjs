// @ts-check
'use strict';
/**
 * Processes and ports for the scripts and the e2e harness (re-exported by n8n-env.cjs): running a
 * command to completion, process groups and stopping them with a grace period, waiting for a
 * readiness URL, free loopback ports.
 */
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');

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

module.exports = { run, exec, killGroup, waitReady, stopGroup, isPortFree, freePort };
