/**
 * What the e2e suites set up alike: the fal emulator, a fresh user folder, n8n's environment, a running
 * `n8n start` with a signed-in owner, and the REST calls the editor makes to store a credential and
 * publish a workflow.
 */
import { makeUserFolder, removeTempDirs } from './n8n/fixtures';
import { freePort, n8nEnv, startN8n, stopAll, type N8nServer } from './n8n/process';
import { activate, setupOwnerAndLogin, waitForWebhook, type Rest } from './n8n/rest';
import { openRouterAudio, respondToWebhook, webhook, workflow } from './workflows';

const { startFalEmulator } = require('../tools/emulator');

export interface Suite {
	/** The fal emulator (JavaScript; tests read the requests, jobs and uploads it recorded). */
	emulator: any;
	userFolder: string;
	/** The environment every n8n process of the suite runs with (fal -> the emulator). */
	env: NodeJS.ProcessEnv;
	/** `n8n start` (unless `start: false`). */
	server: N8nServer;
	/** The owner's REST session on `server`. */
	rest: Rest;
}

export interface SuiteOptions {
	/** Server time of each fal job in the emulator. */
	latencyMs?: number;
	/** false: no emulator, fal is not routed (the suite never reaches fal). */
	emulator?: boolean;
	/** More environment for n8n, computed in beforeAll (may start a service first, e.g. redis). */
	extra?: () => Record<string, string> | Promise<Record<string, string>>;
	/** false: only the environment (CLI suites run `n8n <command>` themselves). Default: start and sign in. */
	start?: boolean;
}

/**
 * Registers the suite's beforeAll and afterAll; the returned object is filled in by beforeAll.
 * afterAll stops every process the harness started, removes the temp folders and closes the emulator.
 */
export function useN8n(label: string, opts: SuiteOptions = {}): Suite {
	const suite = {} as Suite;
	beforeAll(async () => {
		if (opts.emulator !== false) suite.emulator = await startFalEmulator({ latencyMs: opts.latencyMs ?? 50 });
		suite.userFolder = makeUserFolder(label);
		suite.env = n8nEnv({
			userFolder: suite.userFolder,
			port: await freePort(),
			emulatorUrl: suite.emulator?.url,
			// A probed free port of its own: port + 1 (n8n-env.cjs's default) may be taken by another process.
			extra: { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...(await opts.extra?.()) },
		});
		if (opts.start === false) return;
		suite.server = await startN8n(suite.env);
		suite.rest = await setupOwnerAndLogin(suite.server.url);
	});
	afterAll(async () => {
		// every process the suite started, then its temp folders
		await stopAll();
		removeTempDirs();
		await suite.emulator?.close();
	});
	return suite;
}

/** Stores a Fal API credential through the REST API, as the editor's Save does; returns n8n's answer. */
export async function createFalCredential(rest: Rest, name: string, apiKey = 'test-key'): Promise<any> {
	return await rest.ok<any>('POST', '/rest/credentials', { name, type: 'falApi', data: { apiKey } });
}

/** Creates a workflow through the REST API (n8n assigns the id) and publishes it; returns it as created. */
export async function publishWorkflow(rest: Rest, wf: Record<string, unknown>): Promise<any> {
	const body = { ...wf };
	delete body.id;
	const created = await rest.ok<any>('POST', '/rest/workflows', body);
	await activate(rest, created.id, created.versionId);
	return created;
}

/**
 * Webhook (POST, multipart audio in binary `data`) -> OpenRouter Audio (transcribe, plus `parameters`)
 * -> Respond to Webhook, published; resolves once n8n serves the production webhook at `path`.
 */
export async function publishUploadWebhook(
	server: N8nServer,
	rest: Rest,
	path: string,
	credential: { id: string; name: string },
	parameters: Record<string, unknown> = {},
): Promise<void> {
	const wf = workflow(`e2e-${path}`, `E2E ${path}`, [
		webhook(path),
		openRouterAudio({ operation: 'analyze', audioSource: 'binary', binaryPropertyName: 'data', task: 'transcribe', ...parameters }, credential),
		respondToWebhook(),
	]);
	await publishWorkflow(rest, wf);
	await waitForWebhook(server.url, path);
}

/** POSTs an audio file to a production webhook as a multipart upload in the field `data`. */
export async function postAudio(
	server: N8nServer,
	path: string,
	audio: Uint8Array<ArrayBuffer>,
	fileName: string,
): Promise<{ status: number; text: string }> {
	const form = new FormData();
	form.append('data', new Blob([audio], { type: 'audio/wav' }), fileName);
	const res = await fetch(`${server.url}/webhook/${path}`, { method: 'POST', body: form });
	return { status: res.status, text: await res.text() };
}
