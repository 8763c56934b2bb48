/**
 * A storage-trigger chain in an active workflow: Local File Trigger (a watched folder) ->
 * Read/Write Files (read) -> OpenRouter Audio (binary) -> Convert to File -> Read/Write Files (write
 * the answer next to the audio). Dropping 3 audio files produces one answer file each.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { audioFixture, makeTempDir } from './n8n/fixtures';
import { tail } from './n8n/process';
import { waitFor } from './n8n/wait';
import { createFalCredential, publishWorkflow, useN8n } from './setup';
import { localFileTrigger, openRouterAudio, readFile, textToFile, workflow, writeFile } from './workflows';

let watchDir: string;
const n8n = useN8n('trigger', {
	latencyMs: 100,
	extra: () => {
		watchDir = makeTempDir('watch');
		// n8n 2.x excludes the Local File Trigger by default and confines file access to ~/.n8n-files.
		return { NODES_EXCLUDE: '[]', N8N_RESTRICT_FILE_ACCESS_TO: watchDir };
	},
});

test('three audio files dropped into the watched folder give three answer files', async () => {
	const { emulator, rest, server } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e trigger)');
	const created = await publishWorkflow(rest, workflow('e2eFileTrigger01', 'E2E folder watch', [
		localFileTrigger(watchDir),
		readFile('Read Audio', '={{ $json.path }}'),
		openRouterAudio(
			{ operation: 'analyze', audioSource: 'binary', binaryPropertyName: 'data', task: 'summarize' },
			{ id: credential.id, name: credential.name },
		),
		textToFile('Answer To File', 'answer.txt'),
		writeFile('Write Answer', "={{ $('Local File Trigger').item.json.path }}.txt"),
	]));
	await new Promise((r) => setTimeout(r, 1500)); // activation returns once the watcher is set up; let its initial scan settle

	const sources = ['speech.wav', 'speech.mp3', 'speech.ogg'].map((name) => audioFixture(name)).filter(existsSync);
	const dropped: string[] = [];
	for (const [i, src] of sources.entries()) {
		const target = join(watchDir, `drop-${i}-${src.split('/').pop()}`);
		copyFileSync(src, target);
		dropped.push(target);
	}
	expect(dropped).toHaveLength(3);

	const answers = await waitFor(
		'three answer files',
		() => {
			const present = dropped.filter((f) => existsSync(`${f}.txt`) && statSync(`${f}.txt`).size > 0);
			return present.length === dropped.length ? present : undefined;
		},
		90_000,
		500,
	).catch((err) => {
		throw new Error(`${err.message}; folder: ${readdirSync(watchDir).join(', ')}\n${tail(server.logs(), 4000)}`);
	});
	for (const audio of answers) {
		const text = readFileSync(`${audio}.txt`, 'utf8');
		expect(text).toBe(
			'Echo from google/gemini-3-flash-preview: Summarize this audio: a short paragraph, then the key points as a list.',
		);
	}
	// each file went to fal storage with its own bytes
	const uploadedSizes = [...emulator.uploads.values()].map((u: any) => u.size).sort();
	expect(uploadedSizes).toEqual(dropped.map((f) => statSync(f).size).sort());
	// nothing else in the folder was processed (answers are ignored by the trigger)
	await new Promise((r) => setTimeout(r, 2000));
	expect(emulator.uploads.size).toBe(3);
	const executions = await rest.ok<any>('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: created.id }))}`);
	const list = executions.results ?? executions;
	expect(list.filter((e: any) => e.status === 'success')).toHaveLength(3);
});
