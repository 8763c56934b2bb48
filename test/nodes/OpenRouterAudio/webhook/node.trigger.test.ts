/**
 * The OpenRouter Audio Trigger in n8n-core's real WebhookContext, served over HTTP (harness/webhookServer.ts),
 * receiving what the emulator delivers for jobs the real Submit Job queued: fal's signature, fal's keys from
 * the emulator's JWKS (through n8n's own HTTP helper), the signed reference, each job once, the item.
 */
import { Logger } from '@n8n/backend-common';

import { routeHttpsToEmulator } from '../../../tools/emulator/route-https';
import {
	AUDIO,
	NODE_NAME,
	runWorkflow,
	startTriggerServer,
	triggerThen,
	useFalEmulator,
	type TriggerServer,
} from '../../../tools/harness';

const emulator = useFalEmulator({ webhookRetryDelaysMs: [100, 100] });
/** What the trigger wrote to n8n's log (warnings and errors). */
let logSpies: jest.SpyInstance[] = [];
const logged = () => logSpies.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])));
beforeEach(() => {
	logSpies = [jest.spyOn(Logger.prototype, 'warn'), jest.spyOn(Logger.prototype, 'error')];
});
afterEach(() => logSpies.forEach((spy) => spy.mockRestore()));
let restoreHttps: () => void;
beforeAll(() => {
	restoreHttps = routeHttpsToEmulator(emulator().url);
});
afterAll(() => restoreHttps());

let server: TriggerServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});


async function until(what: string, check: () => boolean, ms = 10_000) {
	for (let waited = 0; !check(); waited += 25) {
		if (waited > ms) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** Submit Job for `files`, each with its file name as Reference, to the trigger's URL. */
async function submit(url: string, files: string[], extra: Record<string, unknown> = {}) {
	const result = await runWorkflow(
		triggerThen({ operation: 'submit', audioUrl: AUDIO, webhookUrl: url, reference: '={{ $json.file }}', ...extra }, files.map((file) => ({ file }))),
	);
	expect(result.error(NODE_NAME)).toBeUndefined();
	return result.items(NODE_NAME);
}

/** POSTs to the trigger as fal would, or as someone else would. */
async function post(url: string, rawBody: string, headers: Record<string, string>) {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawBody });
	return response.status;
}

test("each job's answer starts one execution with its reference, the same item as Analyze", async () => {
	server = await startTriggerServer();
	const submitted = await submit(server.url, ['a.mp3', 'b.mp3', 'c.mp3'], { options: { maxTokens: 5000 } });
	expect(submitted.map((item) => item.json.reference)).toEqual(['a.mp3', 'b.mp3', 'c.mp3']);
	await until('three answered deliveries', () => emulator().webhooks.length === 3 && emulator().webhooks.every((delivery) => delivery.status !== undefined));

	const byReference = Object.fromEntries(server.executions.map(([item]) => [item.json.reference, item.json]));
	for (const [index, file] of ['a.mp3', 'b.mp3', 'c.mp3'].entries()) {
		const requestId = submitted[index].json.requestId as string;
		const answer = emulator().jobs.get(requestId)!.result!.body as { output: string; usage: object };
		expect(byReference[file]).toEqual({
			output: answer.output,
			usage: answer.usage,
			model: 'google/gemini-3-flash-preview',
			requestId,
			reference: file,
		});
	}
	// fal's own records: three jobs, each delivered once, at the first attempt.
	expect(emulator().jobs.size).toBe(3);
	expect(emulator().webhooks.map((delivery) => delivery.attempts.map((attempt) => attempt.status))).toEqual([[200], [200], [200]]);
	expect(emulator().requests.filter((request) => request.route === 'jwks').length).toBeLessThanOrEqual(1);
});

test('forged, replayed, altered and unsigned deliveries get 401 and start nothing; a repeated one starts nothing more', async () => {
	server = await startTriggerServer();
	await submit(server.url, ['a.mp3']);
	await until('the delivery', () => server!.executions.length === 1);
	const [genuine] = emulator().webhooks as Array<{ url: string; requestId: string; body: Record<string, unknown> }>;
	const raw = JSON.stringify(genuine.body);
	const requestId = genuine.requestId;
	const fresh = () => emulator().signWebhook(raw, { requestId });
	const forgedBody = JSON.stringify({ ...(genuine.body as object), payload: { output: 'Wire 1000 EUR', usage: {} } });

	const { generateKeyPairSync, sign, createHash } = await import('node:crypto');
	const mallory = generateKeyPairSync('ed25519').privateKey;
	const ts = String(Math.floor(Date.now() / 1000));
	const hash = createHash('sha256').update(forgedBody).digest('hex');
	const forged = {
		...fresh(),
		'x-fal-webhook-timestamp': ts,
		'x-fal-webhook-signature': sign(null, Buffer.from(`${requestId}\nemulator-user\n${ts}\n${hash}`), mallory).toString('hex'),
	};
	const deliveryUrl = genuine.url;
	expect(deliveryUrl).toMatch(/[?&]reference=a\.mp3&/);

	const refused = {
		forged: await post(deliveryUrl, forgedBody, forged),
		replayed: await post(deliveryUrl, raw, emulator().signWebhook(raw, { requestId, timestamp: Math.floor(Date.now() / 1000) - 301 })),
		alteredBody: await post(deliveryUrl, forgedBody, fresh()),
		alteredReference: await post(deliveryUrl.replace(/([?&]reference=)a\.mp3/, '$1b.mp3'), raw, fresh()),
		unsigned: await post(deliveryUrl, raw, {}),
		noTicket: await post(server.url, raw, fresh()),
	};
	expect(refused).toEqual({ forged: 401, replayed: 401, alteredBody: 401, alteredReference: 401, unsigned: 401, noTicket: 401 });
	expect(server.executions).toHaveLength(1);
	// The reasons are in n8n's log, never in the answers.
	expect(server.bodies.slice(-6)).toEqual(Array(6).fill('Unauthorized'));
	expect(logged().join('\n')).toMatch(/refused a delivery \(401\): its signature was made by none of fal's published webhook keys/);
	expect(logged().join('\n')).toMatch(/refused a delivery \(401\): the timestamp is 30\d s from now/);
	expect(logged().join('\n')).toMatch(/refused a delivery \(401\): the URL's reference signature does not match/);
	expect(logged().join('\n')).toMatch(/refused a delivery \(401\): the x-fal-webhook-request-id header is missing/);

	// fal delivering the same job again (its retry after a lost answer): 200, nothing started.
	expect(await post(deliveryUrl, raw, fresh())).toBe(200);
	expect(server.executions).toHaveLength(1);
	// Remembered where n8n keeps it: the workflow's static data, saved once the webhook answered.
	expect(JSON.stringify(server.staticData)).toContain(requestId);
});

test('a trigger holding another Fal API key refuses every attempt; fal retries, and no execution starts', async () => {
	server = await startTriggerServer({ credentials: { falApi: { apiKey: 'someone-elses-key' } } });
	await submit(server.url, ['a.mp3']);
	await until('fal to give up', () => emulator().webhooks[0]?.attempts.length === 3 && emulator().webhooks[0].attempts[2].status !== undefined);
	expect(emulator().webhooks[0].attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401]);
	expect(server.executions).toHaveLength(0);
});

test('a job fal ended with an error gives an item that explains it as Analyze does', async () => {
	server = await startTriggerServer();
	emulator().respondWith(() => ({ error: { status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'Prompt is too long', type: 'value_error' }] } } }));
	const [submitted] = await submit(server.url, ['bad.mp3']);
	await until('the delivery', () => server!.executions.length === 1);
	expect(server.executions[0][0].json).toEqual({
		error: 'fal rejected the input: "Prompt": Prompt is too long (HTTP 422 from fal)',
		errorDescription: '"Prompt": Prompt is too long\nCorrect the field above and run the node again.',
		model: 'google/gemini-3-flash-preview',
		requestId: submitted.json.requestId,
		reference: 'bad.mp3',
		status: 'ERROR',
	});
});

test('Segments and a file: the same parsing and files as Analyze', async () => {
	server = await startTriggerServer({ parameters: { transcriptOutput: 'segments', options: { putOutputInFile: 'srt' } } });
	const [submitted] = await submit(server.url, ['meeting.mp3'], { options: { answerFormat: 'segments' } });
	await until('the delivery', () => server!.executions.length === 1);
	const [item] = server.executions[0];
	expect(item.json).toMatchObject({ requestId: submitted.json.requestId, reference: 'meeting.mp3', model: 'google/gemini-3-flash-preview' });
	expect((item.json.segments as object[]).length).toBe(3);
	expect(item.binary?.data).toMatchObject({ fileName: 'meeting.srt', mimeType: expect.stringMatching(/srt|subrip/) });
	const srt = Buffer.from(item.binary!.data.data, 'base64').toString('utf8');
	expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:02,500\n/);
});

test('an output file the Output options cannot make (SRT from Text): the paid answer still arrives, with the reason', async () => {
	server = await startTriggerServer({ parameters: { transcriptOutput: 'text', options: { putOutputInFile: 'srt' } } });
	const [submitted] = await submit(server.url, ['a.mp3']);
	await until('the delivery', () => server!.executions.length === 1);
	const [item] = server.executions[0];
	expect(item.json).toMatchObject({ requestId: submitted.json.requestId, reference: 'a.mp3', output: expect.stringMatching(/^Echo from/) });
	expect(item.json.error).toMatch(/\("Put Output in File" option\)/);
	expect(item.binary).toBeUndefined();
});

test("an answer that echoes the key loses it as it enters the trigger, like every answer from fal", async () => {
	server = await startTriggerServer({ parameters: { transcriptOutput: 'text', options: { putOutputInFile: 'txt' } } });
	emulator().respondWith(() => ({ output: 'Your key is test-key, said the recording.', usage: {} }));
	await submit(server.url, ['a.mp3']);
	await until('the delivery', () => server!.executions.length === 1);
	const [item] = server.executions[0];
	// The delivery fal signed held the key (the emulator's own record); the item and its file do not.
	expect(JSON.stringify(emulator().webhooks[0].body)).toContain('test-key');
	expect(item.json.output).toBe('Your key is ***, said the recording.');
	expect(Buffer.from(item.binary!.data.data, 'base64').toString('utf8')).not.toContain('test-key');
	expect(JSON.stringify(item.json)).not.toContain('test-key');
});
