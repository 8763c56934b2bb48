/**
 * `n8n start` with the packed package: n8n lists the node (and its AI tool variant) and the
 * credential, tests a Fal API credential the way the editor's Test button does, and a production
 * webhook that receives an audio upload (multipart) answers with the node's output.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { audioFixture, NODE_TYPE } from './n8n/fixtures';
import { tail } from './n8n/process';
import { createFalCredential, postAudio, publishUploadWebhook, useN8n } from './setup';

const n8n = useN8n('server');
const CREDENTIAL_NAME = 'Fal (e2e server)';
let credentialId: string;

test('n8n lists the node type and the credential type of the package', async () => {
	const { rest, server } = n8n;
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

test('n8n registers the AI tool variant of the node (usableAsTool)', async () => {
	const nodes = await n8n.rest.ok<any[]>('GET', '/types/nodes.json');
	const tool = nodes.find((n) => n.name === `${NODE_TYPE}Tool`);
	if (!tool) {
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-fal-openrouter-audio.')).map((n) => n.name);
		throw new Error(`${NODE_TYPE}Tool not in /types/nodes.json; the package's types: ${ours.join(', ')}`);
	}
	expect(tool.displayName).toBe('OpenRouter Audio Tool');
	expect(tool.codex?.categories).toContain('AI');
	// an AI Agent connects to it through the tool output, with the same fields and credential
	expect(tool.outputs).toEqual(['ai_tool']);
	expect(tool.credentials).toEqual([expect.objectContaining({ name: 'falApi', required: true })]);
	const names = tool.properties.map((p: any) => p.name);
	// n8n adds the description the agent's model reads
	for (const name of ['toolDescription', 'audioUrl', 'prompt', 'model']) expect(names).toContain(name);
});

test('a credential of the package type can be stored through the REST API', async () => {
	const created = await createFalCredential(n8n.rest, CREDENTIAL_NAME);
	expect(created.type).toBe('falApi');
	credentialId = created.id;
	expect(typeof credentialId).toBe('string');
	// the stored secret is never sent back in clear
	const again = await n8n.rest.ok<any>('GET', `/rest/credentials/${credentialId}?includeData=true`);
	expect(JSON.stringify(again)).not.toContain('test-key');
});

describe("the credential's Test button (POST /rest/credentials/test, n8n's own HTTP client)", () => {
	/** What the editor sends when Test is clicked in the credential dialog: the saved id and the typed data. */
	async function testCredential(apiKey: string): Promise<{ status: string; message: string }> {
		return await n8n.rest.ok('POST', '/rest/credentials/test', {
			credentials: { id: credentialId, name: CREDENTIAL_NAME, type: 'falApi', data: { apiKey } },
		});
	}

	/** The pricing lookups fal received with this key. */
	function pricingRequests(apiKey: string): any[] {
		return n8n.emulator.requests.filter(
			(r: any) => r.route === 'pricing' && r.headers.authorization === `Key ${apiKey}`,
		);
	}

	test('a valid key passes, checked with a GET of the pricing lookup for the endpoint', async () => {
		const result = await testCredential('test-key');
		if (result.status !== 'OK') throw new Error(`credential test: ${JSON.stringify(result)}\n${tail(n8n.server.logs(), 3000)}`);
		expect(result.message).toBe('Connection successful!');
		const [request] = pricingRequests('test-key');
		expect(request).toEqual(
			expect.objectContaining({
				method: 'GET',
				host: 'api.fal.ai',
				path: '/v1/models/pricing',
				query: { endpoint_id: 'openrouter/router/audio' },
			}),
		);
	});

	test('a wrong key fails with a message', async () => {
		const result = await testCredential('e2e-wrong-key-0123456789');
		expect(result.status).toBe('Error');
		expect(result.message).toBe('Unauthorized'); // fal's 401, as n8n reports a refused test request
		expect(result.message).not.toContain('e2e-wrong-key-0123456789');
		// fal was asked, and said no (n8n asks once more after a 401, in case the credential needs a refresh)
		expect(pricingRequests('e2e-wrong-key-0123456789').length).toBeGreaterThanOrEqual(1);
	});
});

test('webhook upload -> OpenRouter Audio (binary) -> Respond to Webhook answers with the node output', async () => {
	const { emulator, rest, server } = n8n;
	await publishUploadWebhook(server, rest, 'e2e-audio-upload', { id: credentialId, name: CREDENTIAL_NAME });

	const audioPath = audioFixture('speech.wav');
	const audio = readFileSync(audioPath);
	const uploadsBefore = emulator.uploads.size;
	const { status, text } = await postAudio(server, 'e2e-audio-upload', audio, basename(audioPath));
	if (status !== 200) throw new Error(`webhook -> ${status}: ${text}\n${tail(server.logs(), 3000)}`);
	const body = JSON.parse(text);
	expect(body.output).toBe('Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.');
	expect(body.model).toBe('google/gemini-3-flash-preview');
	expect(emulator.uploads.size).toBe(uploadsBefore + 1);
	const upload = [...emulator.uploads.values()].at(-1);
	expect(upload.size).toBe(audio.length);
	expect(emulator.jobs.get(body.requestId)?.input.audio_url).toMatch(/^https:\/\//);
});
