/**
 * Transcripts as files in the real n8n: examples/watched-folder-subtitles.json itself (Local File Trigger
 * -> Read/Write Files -> OpenRouter Audio with Segments and Put Output in File srt -> Read/Write Files),
 * published with the folder and credential swapped in; dropping meeting.mp3 writes meeting.srt next to
 * it. And the model picker through n8n's REST API, with openrouter.ai routed to the model-list stand-in
 * by the e2e preload (OPENROUTER_MODELS_URL), then with the stand-in gone (the built-in list).
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { audioFixture, makeTempDir, NODE_TYPE, repoRoot } from './n8n/fixtures';
import { tail } from './n8n/process';
import { waitFor } from './n8n/wait';
import { createFalCredential, publishWorkflow, useN8n } from './setup';

const { startOpenRouterModels } = require('../tools/emulator');

const SRT =
	'1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from google/gemini-2.5-flash.\n\n' +
	'2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: Transcribe this audio verbatim.\n\n' +
	'3\n00:00:05,250 --> 00:01:02,345\nSpeaker 1: Thanks & bye <3\n';

let watchDir: string;
let openRouter: any;
const n8n = useN8n('transcript', {
	latencyMs: 100,
	extra: async () => {
		watchDir = makeTempDir('recordings');
		openRouter = await startOpenRouterModels();
		// n8n 2.x excludes the Local File Trigger by default and confines file access to ~/.n8n-files.
		return { NODES_EXCLUDE: '[]', N8N_RESTRICT_FILE_ACCESS_TO: watchDir, OPENROUTER_MODELS_URL: openRouter.url };
	},
});
afterAll(async () => await openRouter?.close());

test('the watched-folder example writes meeting.srt next to meeting.mp3 with Read/Write Files', async () => {
	const { emulator, rest, server } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e transcript)');
	const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'watched-folder-subtitles.json'), 'utf8'));
	for (const node of example.nodes) {
		if (node.type === 'n8n-nodes-base.localFileTrigger') node.parameters.path = watchDir;
		if (node.type === NODE_TYPE) node.credentials = { falApi: { id: credential.id, name: credential.name } };
	}
	await publishWorkflow(rest, example);
	await new Promise((r) => setTimeout(r, 1500)); // activation returns once the watcher is set up; let its initial scan settle

	copyFileSync(audioFixture('speech.mp3'), join(watchDir, 'meeting.mp3'));
	const srtPath = join(watchDir, 'meeting.srt');
	const srt = await waitFor('meeting.srt', () => existsSync(srtPath) && readFileSync(srtPath, 'utf8'), 90_000, 500).catch((err) => {
		throw new Error(`${err.message}; folder: ${readdirSync(watchDir).join(', ')}\n${tail(server.logs(), 4000)}`);
	});
	expect(srt).toBe(SRT);
	// One job, one upload; the subtitles file did not start another run (the trigger ignores *.srt).
	await new Promise((r) => setTimeout(r, 2000));
	expect([...emulator.jobs.values()]).toHaveLength(1);
	expect(emulator.uploads.size).toBe(1);
	expect(readdirSync(watchDir).sort()).toEqual(['meeting.mp3', 'meeting.srt']);
});

test('the model picker lists OpenRouter\'s audio models through n8n, and the built-in list when it is down', async () => {
	const { rest } = n8n;
	const search = async (filter?: string) =>
		(
			await rest.ok<{ results: Array<{ name: string; value: string }> }>('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
				path: 'model',
				methodName: 'searchModels',
				nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
				currentNodeParameters: { operation: 'analyze' },
				...(filter !== undefined && { filter }),
			})
		).results.map((result) => result.value);

	expect(await search()).toEqual([
		'google/gemini-3-flash-preview',
		'google/gemini-2.5-flash',
		'google/gemini-3-pro-preview',
		'mistralai/voxtral-small-24b-2507',
	]);
	expect(await search('voxtral')).toEqual(['mistralai/voxtral-small-24b-2507']);
	expect(openRouter.requests.length).toBeGreaterThanOrEqual(2);

	await openRouter.close();
	expect(await search('pro')).toEqual(['google/gemini-3-pro-preview', 'google/gemini-3.1-pro-preview']);
});
