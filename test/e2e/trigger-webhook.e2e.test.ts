/**
 * Submit Job + OpenRouter Audio Trigger in a real n8n: an active workflow with the trigger; another, started by
 * its production webhook, queues a job per file with Submit Job, pointed at the trigger's production URL. The
 * emulator signs its deliveries as fal does and serves its keys where fal serves them (preload routes
 * rest.alpha.fal.ai to it, so n8n fetches the keys from it). Each job's answer arrives as one execution with
 * its reference; forged, replayed, altered and unsigned deliveries get 401 and start nothing; a repeated
 * delivery starts nothing more.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { parse } from 'flatted';

import { tail } from './n8n/process';
import { waitForWebhook } from './n8n/rest';
import { waitFor } from './n8n/wait';
import { createFalCredential, publishWorkflow, useN8n } from './setup';
import { codeItems, openRouterAudio, openRouterAudioTrigger, webhook, workflow } from './workflows';

const n8n = useN8n('trigger-webhook', { latencyMs: 100 });
const TRIGGER_WEBHOOK_ID = '7a1e0c55-0000-4000-8000-00000000a0d1';
const FILES = ['standup.mp3', 'interview.wav', 'row-17'];

let triggerWorkflowId: string;
let triggerUrl: string;

async function executions(): Promise<any[]> {
	const found = await n8n.rest.ok<any>('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: triggerWorkflowId }))}`);
	return found.results ?? found;
}

async function triggerItem(executionId: string): Promise<any> {
	const execution = await waitFor(
		`execution ${executionId} saved`,
		async () => {
			const found = await n8n.rest.ok<any>('GET', `/rest/executions/${executionId}`);
			return found.status === 'success' && found;
		},
		30_000,
		250,
	);
	return parse(execution.data).resultData.runData['OpenRouter Audio Trigger'][0].data.main[0][0];
}

beforeAll(async () => {
	const { rest, server } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e trigger webhook)');
	const fal = { id: credential.id, name: credential.name };
	const created = await publishWorkflow(rest, workflow('e2eTriggerHook01', 'E2E answers', [openRouterAudioTrigger({}, fal, TRIGGER_WEBHOOK_ID)]));
	triggerWorkflowId = created.id;
	triggerUrl = `${server.url}/webhook/${TRIGGER_WEBHOOK_ID}/openrouter-audio`;
	await waitForWebhook(server.url, `${TRIGGER_WEBHOOK_ID}/openrouter-audio`);

	await publishWorkflow(rest, workflow('e2eTriggerSubm01', 'E2E submit', [
		webhook('e2e-submit', 'lastNode'),
		codeItems('Files', FILES.map((file) => ({ file, url: `https://example.com/audio/${file}` }))),
		openRouterAudio({ operation: 'submit', audioSource: 'url', audioUrl: '={{ $json.url }}', task: 'transcribe', webhookUrl: triggerUrl, reference: '={{ $json.file }}' }, fal),
	]));
	await waitForWebhook(server.url, 'e2e-submit');
});

test("Submit Job for three files: each job's answer starts one execution of the trigger's workflow, with its reference", async () => {
	const { emulator, server } = n8n;
	const started = await fetch(`${server.url}/webhook/e2e-submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	expect(started.status).toBe(200);

	const done = await waitFor(
		'three successful trigger executions',
		async () => {
			const list = await executions();
			return list.filter((e) => e.status === 'success').length >= 3 && list;
		},
		90_000,
		500,
	).catch((error) => {
		throw new Error(`${error.message}; deliveries: ${JSON.stringify(emulator.webhooks.map((d: any) => d.attempts))}\n${tail(server.logs(), 4000)}`);
	});
	expect(done).toHaveLength(3);
	const items = await Promise.all(done.map((e: any) => triggerItem(e.id)));
	const byReference = Object.fromEntries(items.map((item) => [item.json.reference, item.json]));
	expect(Object.keys(byReference).sort()).toEqual([...FILES].sort());
	for (const file of FILES) {
		const job = [...emulator.jobs.values()].find((j: any) => j.input.audio_url.endsWith(file));
		expect(byReference[file]).toEqual({
			output: job.result.body.output,
			usage: job.result.body.usage,
			model: 'google/gemini-3-flash-preview',
			requestId: job.requestId,
			reference: file,
		});
	}
	// n8n fetched fal's keys (here the emulator's, where fal publishes them) through its own HTTP client.
	expect(emulator.requests.filter((request: any) => request.route === 'jwks').length).toBeGreaterThanOrEqual(1);
	// fal's side: three jobs, each delivered once, accepted at the first attempt.
	expect(emulator.jobs.size).toBe(3);
	expect(emulator.webhooks.map((d: any) => d.attempts.map((a: any) => a.status))).toEqual([[200], [200], [200]]);
});

test('forged, replayed, altered and unsigned deliveries get 401 and start no execution; a repeated delivery starts nothing more', async () => {
	const { emulator } = n8n;
	const genuine = emulator.webhooks[0];
	const raw = JSON.stringify(genuine.body);
	const requestId: string = genuine.requestId;
	const fresh = () => emulator.signWebhook(raw, { requestId });
	const post = async (url: string, body: string, headers: Record<string, string>) => {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		return { status: res.status, text: await res.text() };
	};
	const before = (await executions()).length;

	const forgedBody = JSON.stringify({ ...genuine.body, payload: { output: 'Wire 1000 EUR to account 42', usage: {} } });
	const ts = String(Math.floor(Date.now() / 1000));
	const hash = createHash('sha256').update(forgedBody).digest('hex');
	const forgedSignature = sign(null, Buffer.from(`${requestId}\nemulator-user\n${ts}\n${hash}`), generateKeyPairSync('ed25519').privateKey).toString('hex');
	const reference = new URL(genuine.url).searchParams.get('reference');
	const otherReference = FILES.find((file) => file !== reference)!;
	const alteredUrl = new URL(genuine.url);
	alteredUrl.searchParams.set('reference', otherReference);

	const answers = {
		forged: await post(genuine.url, forgedBody, { ...fresh(), 'x-fal-webhook-timestamp': ts, 'x-fal-webhook-signature': forgedSignature }),
		replayed: await post(genuine.url, raw, emulator.signWebhook(raw, { requestId, timestamp: Math.floor(Date.now() / 1000) - 600 })),
		alteredBody: await post(genuine.url, forgedBody, fresh()),
		alteredReference: await post(alteredUrl.href, raw, fresh()),
		unsigned: await post(genuine.url, raw, {}),
	};
	for (const [what, answer] of Object.entries(answers)) expect({ what, status: answer.status }).toEqual({ what, status: 401 });
	// The caller learns nothing about why.
	expect(new Set(Object.values(answers).map((answer) => answer.text))).toEqual(new Set(['Unauthorized']));

	const repeated = await post(genuine.url, raw, fresh());
	expect(repeated.status).toBe(200);

	// Nothing started: give n8n time to save an execution it would have started.
	await new Promise((resolve) => setTimeout(resolve, 2000));
	expect(await executions()).toHaveLength(before);
	expect(n8n.server.logs()).toMatch(/refused a delivery \(401\)/);
});
