/**
 * The packed package in a real n8n, driven through the CLI: import credentials and workflows, then
 * `n8n execute --id --rawOutput` and check the items n8n produced. fal is the in-process emulator.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
	expectOk,
	importCredential,
	importWorkflows,
	n8nCli,
	nodeItems,
	parseRunOutput,
	type CliResult,
	type RunData,
	type RunItem,
} from './n8n/cli';
import { audioFixture } from './n8n/fixtures';
import { tail } from './n8n/process';
import { useN8n } from './setup';
import {
	BAD_CREDENTIAL,
	CREDENTIAL,
	codeItems,
	manualTrigger,
	openRouterAudio,
	readFile,
	workflow,
} from './workflows';

const MODEL = 'google/gemini-3-flash-preview';
const BAD_KEY = 'e2e-wrong-key-0123456789';

const audioPath = audioFixture('speech.wav');
// CLI only: every test runs `n8n execute` in the suite's environment
const n8n = useN8n('cli', {
	// Read/Write Files may read the fixture folder (n8n 2.x restricts file access by default).
	extra: () => ({ N8N_RESTRICT_FILE_ACCESS_TO: dirname(audioPath) }),
	start: false,
});

const WF = {
	url: 'e2eCliUrl0000001',
	binary: 'e2eCliBinary0001',
	items: 'e2eCliItems00001',
	badKey: 'e2eCliBadKey0001',
	continueOnFail: 'e2eCliContinue01',
};

function analyze(parameters: Record<string, unknown>) {
	return { operation: 'analyze', task: 'transcribe', ...parameters };
}

beforeAll(async () => {
	const { env } = n8n;
	await importCredential(env, { ...CREDENTIAL, apiKey: 'test-key' });
	await importCredential(env, { ...BAD_CREDENTIAL, apiKey: BAD_KEY });
	await importWorkflows(env, [
		workflow(WF.url, 'E2E URL', [
			manualTrigger(),
			openRouterAudio(analyze({ audioSource: 'url', audioUrl: 'https://example.com/audio/speech.mp3' })),
		]),
		workflow(WF.binary, 'E2E binary', [
			manualTrigger(),
			readFile('Read Audio', audioPath),
			openRouterAudio(analyze({ audioSource: 'binary', binaryPropertyName: 'data', task: 'summarize' })),
		]),
		workflow(WF.items, 'E2E several items', [
			manualTrigger(),
			codeItems('Three URLs', [
				{ url: 'https://example.com/a.mp3' },
				{ url: 'https://example.com/b.wav' },
				{ url: 'https://example.com/c.ogg' },
			]),
			openRouterAudio(analyze({ audioSource: 'url', audioUrl: '={{ $json.url }}' })),
		]),
		workflow(WF.badKey, 'E2E bad key', [
			manualTrigger(),
			openRouterAudio(analyze({ audioSource: 'url', audioUrl: 'https://example.com/audio/speech.mp3' }), BAD_CREDENTIAL),
		]),
		workflow(WF.continueOnFail, 'E2E continue on fail', [
			manualTrigger(),
			codeItems('Good and bad URLs', [
				{ url: 'https://example.com/good.mp3' },
				// a fal CDN file the emulator never stored: fal answers 422 "Failed to download the file"
				{ url: 'https://v3b.fal.media/files/e2e/missing.wav' },
			]),
			openRouterAudio(analyze({ audioSource: 'url', audioUrl: '={{ $json.url }}' }), CREDENTIAL, {
				onError: 'continueRegularOutput',
			}),
		]),
	]);
});

async function execute(id: string): Promise<{ result: CliResult; run: RunData | undefined; text: string }> {
	const result = await n8nCli(['execute', `--id=${id}`, '--rawOutput'], n8n.env);
	const text = result.stdout + result.stderr;
	if (process.env.E2E_DEBUG) console.log(`n8n execute --id=${id}: exit ${result.code} in ${result.ms} ms\n${tail(text, 20000)}`);
	return { result, run: parseRunOutput(result.stdout), text };
}

/** Runs a workflow that must succeed; returns the run and the items of its OpenRouter Audio node. */
async function executeOk(id: string, what: string): Promise<{ run: RunData; items: RunItem[]; text: string }> {
	const { result, run, text } = await execute(id);
	expectOk(result, what);
	expect(run).toBeDefined();
	return { run: run!, items: nodeItems(run!, 'OpenRouter Audio'), text };
}

function jobsFor(predicate: (input: any) => boolean): any[] {
	return [...n8n.emulator.jobs.values()].filter((job: any) => predicate(job.input));
}

test('URL input: Manual Trigger -> OpenRouter Audio returns the transcript item', async () => {
	const { items, text } = await executeOk(WF.url, 'execute URL workflow');
	expect(items).toHaveLength(1);
	const json = items[0].json;
	expect(json.output).toBe(`Echo from ${MODEL}: Transcribe this audio verbatim.`);
	expect(json.model).toBe(MODEL);
	expect(typeof json.requestId).toBe('string');
	expect(json.usage).toEqual(
		expect.objectContaining({ prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) }),
	);
	// what fal received
	const jobs = jobsFor((input) => input.audio_url === 'https://example.com/audio/speech.mp3');
	expect(jobs.map((j) => j.requestId)).toContain(json.requestId);
	expect(text).not.toContain('test-key');
});

test('binary input read by Read/Write Files is uploaded to fal storage first', async () => {
	const { emulator } = n8n;
	const uploadsBefore = emulator.uploads.size;
	const { run, items } = await executeOk(WF.binary, 'execute binary workflow');
	const read = nodeItems(run, 'Read Audio');
	expect(read[0].binary?.data?.fileName).toBe(basename(audioPath));
	expect(items).toHaveLength(1);
	expect(items[0].json.output).toContain('Summarize this audio');
	expect(emulator.uploads.size).toBe(uploadsBefore + 1);
	const upload = [...emulator.uploads.values()].at(-1);
	expect(upload.size).toBe(readFileSync(audioPath).length);
	const job = emulator.jobs.get(items[0].json.requestId);
	expect(job).toBeDefined();
	expect(emulator.uploads.has(job.input.audio_url)).toBe(true);
});

test('several items: one fal job and one output item each, in order', async () => {
	const { items } = await executeOk(WF.items, 'execute several-items workflow');
	expect(items).toHaveLength(3);
	const urls = items.map((item) => n8n.emulator.jobs.get(item.json.requestId)?.input.audio_url);
	expect(urls).toEqual(['https://example.com/a.mp3', 'https://example.com/b.wav', 'https://example.com/c.ogg']);
	expect(new Set(items.map((i) => i.json.requestId)).size).toBe(3);
});

test('a wrong API key fails the execution with a clear message and a non-zero exit status', async () => {
	const { result, text } = await execute(WF.badKey);
	expect(result.code).not.toBe(0);
	expect(text).toMatch(/fal refused the API key \(HTTP 401 from queue\.fal\.run\)/);
	expect(text).not.toContain(BAD_KEY);
}, 120_000);

test('Continue On Fail: the failing item carries its error, the good one its answer', async () => {
	const { run, items, text } = await executeOk(WF.continueOnFail, 'execute continue-on-fail workflow');
	expect(items).toHaveLength(2);
	expect(items[0].json.output).toBe(`Echo from ${MODEL}: Transcribe this audio verbatim.`);
	expect(items[1].json.output).toBeUndefined();
	const error = JSON.stringify(items[1].json.error ?? items[1].json);
	if (!/Failed to download|download|422/i.test(error)) throw new Error(`unexpected error item: ${error}\n${tail(text, 2000)}`);
	expect(run.data.resultData.error).toBeUndefined();
});
