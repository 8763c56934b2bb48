/**
 * `n8n start` with the packed package: n8n lists the node and the credential, and a production
 * webhook that receives an audio upload (multipart) answers with the node's output.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
	activate,
	audioFixture,
	cleanup,
	freePort,
	makeUserFolder,
	n8nEnv,
	NODE_TYPE,
	setupOwnerAndLogin,
	startN8n,
	tail,
	waitForWebhook,
	type N8nServer,
	type Rest,
} from './n8n';
import { openRouterAudio, respondToWebhook, webhook, workflow } from './workflows';

 
const { startFalEmulator } = require('../emulator/server');

let emulator: any;
let server: N8nServer;
let rest: Rest;
let credentialId: string;

beforeAll(async () => {
	emulator = await startFalEmulator({ latencyMs: 50 });
	const env = n8nEnv({ userFolder: makeUserFolder('server'), port: await freePort(), emulatorUrl: emulator.url });
	server = await startN8n(env);
	rest = await setupOwnerAndLogin(server.url);
});

afterAll(async () => {
	await cleanup();
	await emulator?.close();
});

test('n8n lists the node type and the credential type of the package', async () => {
	const nodes = await rest.ok<any[]>('GET', '/types/nodes.json');
	const node = nodes.find((n) => n.name === NODE_TYPE);
	if (!node) throw new Error(`${NODE_TYPE} not in /types/nodes.json (${nodes.length} types)\n${tail(server.logs(), 3000)}`);
	expect(node.displayName).toBe('OpenRouter Audio');
	expect(node.credentials).toEqual([expect.objectContaining({ name: 'falApi', required: true })]);
	const names = node.properties.map((p: any) => p.name);
	for (const name of ['operation', 'audioSource', 'audioUrl', 'binaryPropertyName', 'task', 'prompt', 'model', 'options']) {
		expect(names).toContain(name);
	}

	const credentials = await rest.ok<any[]>('GET', '/types/credentials.json');
	const fal = credentials.find((c) => c.name === 'falApi');
	expect(fal).toBeDefined();
	expect(fal.displayName).toBe('Fal API');
	// n8n appends its own fields (allowed HTTP request domains) after the package's
	expect(fal.properties[0]).toEqual(expect.objectContaining({ name: 'apiKey', displayName: 'API Key', type: 'string' }));
	expect(fal.properties[0].typeOptions).toEqual(expect.objectContaining({ password: true }));
});

test('a credential of the package type can be stored through the REST API', async () => {
	const created = await rest.ok<any>('POST', '/rest/credentials', {
		name: 'Fal (e2e server)',
		type: 'falApi',
		data: { apiKey: 'test-key' },
	});
	expect(created.type).toBe('falApi');
	credentialId = created.id;
	expect(typeof credentialId).toBe('string');
	// the stored secret is never sent back in clear
	const again = await rest.ok<any>('GET', `/rest/credentials/${credentialId}?includeData=true`);
	expect(JSON.stringify(again)).not.toContain('test-key');
});

test('webhook upload -> OpenRouter Audio (binary) -> Respond to Webhook answers with the node output', async () => {
	const wf = workflow('e2eServerWebhook', 'E2E webhook upload', [
		webhook('e2e-audio-upload'),
		openRouterAudio(
			{ operation: 'analyze', audioSource: 'binary', binaryPropertyName: 'data', task: 'transcribe' },
			{ id: credentialId, name: 'Fal (e2e server)' },
		),
		respondToWebhook(),
	]);
	delete (wf as any).id;
	const created = await rest.ok<any>('POST', '/rest/workflows', wf);
	await activate(rest, created.id, created.versionId);
	await waitForWebhook(server.url, 'e2e-audio-upload');

	const audioPath = audioFixture('speech.wav');
	const audio = readFileSync(audioPath);
	const form = new FormData();
	form.append('data', new Blob([audio], { type: 'audio/wav' }), basename(audioPath));
	const uploadsBefore = emulator.uploads.size;
	const res = await fetch(`${server.url}/webhook/e2e-audio-upload`, { method: 'POST', body: form });
	const text = await res.text();
	if (res.status !== 200) throw new Error(`webhook -> ${res.status}: ${text}\n${tail(server.logs(), 3000)}`);
	const body = JSON.parse(text);
	expect(body.output).toBe('Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.');
	expect(body.model).toBe('google/gemini-3-flash-preview');
	expect(emulator.uploads.size).toBe(uploadsBefore + 1);
	const upload = [...emulator.uploads.values()].at(-1);
	expect(upload.size).toBe(audio.length);
	expect(emulator.jobs.get(body.requestId)?.input.audio_url).toMatch(/^https:\/\//);
});
