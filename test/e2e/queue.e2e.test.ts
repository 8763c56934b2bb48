/**
 * Queue mode: redis-server on a random loopback port, one n8n main and two `n8n worker`s sharing
 * the SQLite database and binary data in the database (n8n 2.x's default in queue mode). A batch of
 * 10 webhook uploads runs on the workers; every answer comes back and both workers took work.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { basename } from 'node:path';
import { audioFixture, makeTempDir } from './n8n/fixtures';
import { freePort, startN8n, tail, track, type N8nServer } from './n8n/process';
import { sleep } from './n8n/wait';
import { createFalCredential, postAudio, publishUploadWebhook, useN8n } from './setup';

const BATCH = 10;

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

/** redis-server on a free loopback port (tracked: stopAll() stops it with the n8n processes). */
async function startRedis(): Promise<number> {
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
	return redisPort;
}

// the main: `n8n start` in queue mode, signed in as the owner
const n8n = useN8n('queue', {
	// each job takes a while at fal, so one worker alone can't drain the batch before the other polls
	latencyMs: 1500,
	extra: async () => ({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(await startRedis()),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
	}),
});
const workers: N8nServer[] = [];

beforeAll(async () => {
	for (let i = 0; i < 2; i++) {
		const healthPort = await freePort();
		// the main's environment (its port: webhook URLs etc. point at the main), own health and broker ports
		const env = {
			...n8n.env,
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		};
		workers.push(await startN8n(env, { command: ['worker', '--concurrency=2'], readyPort: healthPort }));
	}
});

test(`a batch of ${BATCH} webhook uploads runs on both workers and every answer comes back`, async () => {
	const { emulator, rest, server: main } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e queue)');
	await publishUploadWebhook(main, rest, 'e2e-queue-audio', { id: credential.id, name: credential.name });

	const audioPath = audioFixture('speech.wav');
	const audio = readFileSync(audioPath);
	const started = Date.now();
	const responses = await Promise.all(
		Array.from({ length: BATCH }, (_, i) => postAudio(main, 'e2e-queue-audio', audio, `${i}-${basename(audioPath)}`)),
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
