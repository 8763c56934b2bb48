/**
 * n8n's CLI in the e2e suite: `n8n <command>` to completion, importing credentials and workflows,
 * and reading the run `n8n execute --rawOutput` prints.
 */
import {
	importCredentials,
	importWorkflows as importWorkflowFiles,
	run,
	type RunResult,
} from '../../../scripts/n8n-env.cjs';
import { n8nPaths, tail, track } from './process';

export type CliResult = RunResult;

/** Runs `n8n <args>` to completion (own process group, tracked, killed at the timeout). */
export async function n8nCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliResult> {
	const { nodeBin, n8nBin } = n8nPaths();
	return await run(nodeBin, [n8nBin, ...args], { env, cwd: env.N8N_USER_FOLDER, detached: true, timeoutMs, onSpawn: track });
}

/** Throws with n8n's output when a CLI call did not exit 0. */
export function expectOk(result: CliResult, what: string): CliResult {
	if (result.code !== 0) {
		throw new Error(`${what} failed (${result.signal ?? result.code}):\n${tail(result.stdout + result.stderr)}`);
	}
	return result;
}

/** `n8n <args>` that must succeed, for the shared import helpers. */
const cliOk = (env: NodeJS.ProcessEnv) => async (args: string[]) => expectOk(await n8nCli(args, env), args[0]);

export async function importCredential(
	env: NodeJS.ProcessEnv,
	credential: { id: string; name: string; apiKey: string },
): Promise<void> {
	await importCredentials(cliOk(env), [credential]);
}

export async function importWorkflows(env: NodeJS.ProcessEnv, workflows: object[]): Promise<void> {
	await importWorkflowFiles(cliOk(env), workflows);
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
