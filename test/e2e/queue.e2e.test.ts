/**
 * Queue mode: redis-server on a random loopback port, one n8n main and two `n8n worker`s sharing
 * the SQLite database and binary data in the database (n8n 2.x's default in queue mode). A batch of
 * 10 webhook uploads runs on the workers; every answer comes back and both workers took work.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { basename } from 'node:path';
import {
	activate,
	audioFixture,
	cleanup,
	freePort,
	makeTempDir,
	makeUserFolder,
	n8nEnv,
	setupOwnerAndLogin,
	sleep,
	startN8n,
	tail,
	track,
	waitForWebhook,
	type N8nServer,
} from './n8n';
import { openRouterAudio, respondToWebhook, webhook, workflow } from './workflows';

 
const { startFalEmulator } = require('../emulator/server');

const BATCH = 10;

let emulator: any;
let main: N8nServer;
const workers: N8nServer[] = [];

async function redisPing(port: number): Promise<boolean> {
	return await new Promise((res) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (d) => {
			socket.destroy();
			res(d.toString().startsWith('+PONG'));
		});
		socket.once('error', () => res(false));
		socket.once('timeout', () => {
			socket.destroy();
			res(false);
		});
	});
}

beforeAll(async () => {
	// each job takes a while at fal, so one worker alone can't drain the batch before the other polls
	emulator = await startFalEmulator({ latencyMs: 1500 });
	const redisPort = await freePort();
	const redisDir = makeTempDir('redis');
	track(
		spawn(
			'redis-server',
			['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir],
			{ detached: true, stdio: 'ignore' },
		),
	);
	for (let i = 0; i < 50 && !(await redisPing(redisPort)); i++) await sleep(100);
	if (!(await redisPing(redisPort))) throw new Error('redis-server did not start (apt-get install redis-server)');

	const userFolder = makeUserFolder('queue');
	const queueEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
	};
	const mainPort = await freePort();
	main = await startN8n(n8nEnv({ userFolder, port: mainPort, emulatorUrl: emulator.url, extra: queueEnv }));
	for (let i = 0; i < 2; i++) {
		const healthPort = await freePort();
		const env = n8nEnv({
			userFolder,
			port: mainPort, // webhook URLs etc. point at the main
			emulatorUrl: emulator.url,
			extra: {
				...queueEnv,
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			},
		});
		workers.push(await startN8n(env, { command: ['worker', '--concurrency=2'], readyPort: healthPort }));
	}
});

afterAll(async () => {
	await cleanup(); // n8n processes and redis-server (tracked)
	await emulator?.close();
});

test(`a batch of ${BATCH} webhook uploads runs on both workers and every answer comes back`, async () => {
	const rest = await setupOwnerAndLogin(main.url);
	const credential = await rest.ok<any>('POST', '/rest/credentials', {
		name: 'Fal (e2e queue)',
		type: 'falApi',
		data: { apiKey: 'test-key' },
	});
	const wf = workflow('e2eQueueWebhook1', 'E2E queue batch', [
		webhook('e2e-queue-audio'),
		openRouterAudio(
			{ operation: 'analyze', audioSource: 'binary', binaryPropertyName: 'data', task: 'transcribe' },
			{ id: credential.id, name: credential.name },
		),
		respondToWebhook(),
	]);
	delete (wf as any).id;
	const created = await rest.ok<any>('POST', '/rest/workflows', wf);
	await activate(rest, created.id, created.versionId);
	await waitForWebhook(main.url, 'e2e-queue-audio');

	const audioPath = audioFixture('speech.wav');
	const audio = readFileSync(audioPath);
	const started = Date.now();
	const responses = await Promise.all(
		Array.from({ length: BATCH }, async (_, i) => {
			const form = new FormData();
			form.append('data', new Blob([audio], { type: 'audio/wav' }), `${i}-${basename(audioPath)}`);
			const res = await fetch(`${main.url}/webhook/e2e-queue-audio`, { method: 'POST', body: form });
			return { status: res.status, text: await res.text() };
		}),
	);
	const elapsed = Date.now() - started;
	const failed = responses.filter((r) => r.status !== 200);
	if (failed.length) {
		throw new Error(
			`${failed.length} webhook calls failed: ${failed.map((f) => `${f.status} ${f.text.slice(0, 200)}`).join('\n')}\n` +
				`main:\n${tail(main.logs(), 2500)}\nworker 1:\n${tail(workers[0].logs(), 2500)}`,
		);
	}
	const bodies = responses.map((r) => JSON.parse(r.text));
	for (const body of bodies) {
		expect(body.output).toBe('Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.');
	}
	expect(new Set(bodies.map((b) => b.requestId)).size).toBe(BATCH);
	expect(emulator.uploads.size).toBe(BATCH);
	for (const upload of emulator.uploads.values()) expect(upload.size).toBe(audio.length);

	// both workers took work (each logs the executions it starts)
	const started1 = (workers[0].logs().match(/Worker started execution/g) ?? []).length;
	const started2 = (workers[1].logs().match(/Worker started execution/g) ?? []).length;
	console.log(`queue mode: worker 1 ran ${started1}, worker 2 ran ${started2}; batch took ${elapsed} ms`);
	expect(started1 + started2).toBe(BATCH);
	expect(started1).toBeGreaterThan(0);
	expect(started2).toBeGreaterThan(0);
	// and the main ran none itself
	expect(main.logs()).not.toMatch(/Worker started execution/);
	// 10 jobs of 1.5 s on 2 workers x 2 slots can't finish in 1 worker's sequential time
	expect(elapsed).toBeLessThan(BATCH * 1500);
});
