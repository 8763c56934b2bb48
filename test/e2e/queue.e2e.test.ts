/**
 * Production queue mode: PostgreSQL (a fresh cluster of Debian's `postgresql` on a free port), Redis,
 * one n8n main and two `n8n worker`s, binary data in the database. A batch of webhook uploads runs on
 * the workers and every answer comes back; an SRT file written by "Put Output in File" on a worker lands
 * in the database and the main serves it back; then a worker is killed (SIGKILL) while its fal jobs run,
 * and the test measures from the emulator's records and n8n's REST API what became of them.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'flatted';
import { killGroup } from '../../scripts/n8n-env.cjs';
import { audioFixture } from './n8n/fixtures';
import { startPostgres, type Postgres } from './n8n/postgres';
import { freePort, startN8n, tail, type N8nServer } from './n8n/process';
import { startRedis } from './n8n/redis';
import { waitFor } from './n8n/wait';
import { createFalCredential, postAudio, publishUploadWebhook, useN8n } from './setup';

const BATCH = 10;

let postgres: Postgres;
// the main: `n8n start` in queue mode, signed in as the owner
const n8n = useN8n('queue', {
	// each job takes a while at fal, so one worker alone can't drain the batch before the other polls
	latencyMs: 1500,
	extra: async () => ({
		...(postgres = await startPostgres()).env,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(await startRedis()),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		// A dead worker's job counts as stalled once its lock expires (n8n's defaults: 60 s lock, renewed
		// every 10 s, stalled check every 30 s); shortened so that the worker-kill test takes about a minute.
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
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

/** Execution ids a worker logged as started (n8n: "Worker started execution 12 (job 7)"). */
function executionsStartedBy(worker: N8nServer): string[] {
	return [...worker.logs().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
}

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


// The emulator's Segments answer for the default model and prompt (test/tools/emulator/segments.js).
const SRT =
	'1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from google/gemini-3-flash-preview.\n\n' +
	'2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: Transcribe this audio verbatim.\n\n' +
	'3\n00:00:05,250 --> 00:01:02,345\nSpeaker 1: Thanks & bye <3\n';

test('Put Output in File srt on a worker writes the file to the database, and the main serves it back', async () => {
	const { rest, server: main } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e queue srt)');
	await publishUploadWebhook(main, rest, 'e2e-queue-srt', { id: credential.id, name: credential.name }, {
		transcriptOutput: 'segments',
		speakerLabels: true,
		options: { putOutputInFile: 'srt', keepBinary: true, outputBinaryPropertyName: 'subtitles' },
	});
	const before = workers.map(executionsStartedBy);
	const response = await postAudio(main, 'e2e-queue-srt', readFileSync(audioFixture('speech.wav')), 'standup.wav');
	expect(response.status).toBe(200);
	expect(JSON.parse(response.text).segments).toHaveLength(3);

	// A worker ran it, not the main.
	const started = workers.flatMap((worker, k) => executionsStartedBy(worker).filter((id) => !before[k].includes(id)));
	expect(started).toHaveLength(1);
	const [executionId] = started;
	expect(main.logs()).not.toMatch(/Worker started execution/);

	// The run data the worker saved names the file by its database id. (The webhook answers from the
	// Respond to Webhook node, before the execution is saved as finished.)
	const execution = await waitFor(
		`execution ${executionId} saved`,
		async () => {
			const found = await rest.ok<any>('GET', `/rest/executions/${executionId}`);
			return found.status === 'success' && found;
		},
		30_000,
		250,
	);
	const item = parse(execution.data).resultData.runData['OpenRouter Audio'][0].data.main[0][0];
	const file = item.binary.subtitles;
	expect(file).toMatchObject({ fileName: 'standup.srt', mimeType: 'application/x-subrip', fileExtension: 'srt' });
	expect(file.id).toMatch(/^database:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
	// The kept upload is in the database too, beside it under its own name.
	expect(item.binary.data).toMatchObject({ fileName: 'standup.wav', id: expect.stringMatching(/^database:/) });

	// The database's own row: the bytes, written for this execution.
	const fileId = file.id.slice('database:'.length);
	expect(
		await postgres.query(
			`SELECT "sourceType", "sourceId", "fileName", "mimeType", "fileSize", encode(data, 'hex') AS hex FROM binary_data WHERE "fileId" = '${fileId}'`,
		),
	).toEqual([
		{
			sourceType: 'execution',
			sourceId: executionId,
			fileName: 'standup.srt',
			mimeType: 'application/x-subrip',
			fileSize: Buffer.byteLength(SRT),
			hex: Buffer.from(SRT).toString('hex'),
		},
	]);

	// The main reads it back from the database, as the editor's Download button does.
	const download = await fetch(`${main.url}/rest/binary-data?id=${encodeURIComponent(file.id)}&action=download`, {
		headers: { cookie: rest.cookie, 'browser-id': 'e2e-browser' },
	});
	expect(download.status).toBe(200);
	expect(download.headers.get('content-type')).toMatch(/^application\/x-subrip/);
	expect(download.headers.get('content-disposition')).toBe('attachment; filename="standup.srt"');
	expect(await download.text()).toBe(SRT);
});

// Two workers x 2 slots: with jobs this long at fal every upload of the batch is running when the kill comes.
const KILL_BATCH = 4;
const KILL_LATENCY_MS = 20_000;

test('a worker killed mid-batch leaves its fal jobs to finish at fal, never fetched; n8n fails its executions, and Retry cannot rerun them', async () => {
	const { emulator, rest, server: main } = n8n;
	const credential = await createFalCredential(rest, 'Fal (e2e queue kill)');
	await publishUploadWebhook(main, rest, 'e2e-queue-kill', { id: credential.id, name: credential.name });
	emulator.setLatency(KILL_LATENCY_MS);
	const earlier = new Set(emulator.jobs.keys());
	const batchJobs = (): any[] => [...emulator.jobs.values()].filter((j: any) => !earlier.has(j.requestId));

	// One upload at a time: its fal job appears at the emulator, and exactly one worker logged starting
	// one execution since the previous upload. That worker and execution own the job.
	const audio = readFileSync(audioFixture('speech.wav'));
	const owners = new Map<string, { worker: number; executionId: string }>();
	const answers: Array<Promise<{ status: number; text: string; at: number }>> = [];
	for (let i = 0; i < KILL_BATCH; i++) {
		const before = workers.map(executionsStartedBy);
		const newStarts = () => workers.map((w, k) => executionsStartedBy(w).filter((id) => !before[k].includes(id)));
		answers.push(
			postAudio(main, 'e2e-queue-kill', audio, `kill-${i}.wav`).then(
				(r) => ({ ...r, at: Date.now() }),
				(e) => ({ status: 0, text: String(e), at: Date.now() }),
			),
		);
		const job = await waitFor(`the fal job of upload ${i}`, () => batchJobs()[i], 60_000, 100);
		await waitFor(`a worker's log of upload ${i}'s execution`, () => newStarts().flat().length > 0, 10_000, 100);
		const started = newStarts();
		expect(started.flat()).toHaveLength(1);
		const worker = started.findIndex((ids) => ids.length > 0);
		owners.set(job.requestId, { worker, executionId: started[worker][0] });
	}
	const jobsOf = (w: number) => batchJobs().filter((j) => owners.get(j.requestId)!.worker === w);
	// every upload is running at fal, two on each worker
	expect(batchJobs().map((j) => j.status)).toEqual(Array(KILL_BATCH).fill('IN_PROGRESS'));
	expect([jobsOf(0).length, jobsOf(1).length]).toEqual([2, 2]);

	const victim = owners.get(batchJobs()[0].requestId)!.worker;
	const killed = jobsOf(victim);
	const survived = jobsOf(1 - victim);
	const killedExecutions = killed.map((j) => owners.get(j.requestId)!.executionId);
	const killedAt = Date.now();
	// the worker and its task runner, without any chance to clean up (OOM killer, node drained, crash)
	expect(killGroup(workers[victim].child.pid, 'SIGKILL')).toBe(true);

	// n8n settles the killed worker's executions once Bull finds their jobs stalled
	const settled = await waitFor(
		'n8n to settle the killed worker\'s executions',
		async () => {
			const found = await Promise.all(killedExecutions.map((id) => rest.ok<any>('GET', `/rest/executions/${id}`)));
			return found.every((e) => !['new', 'running'].includes(e.status)) && found;
		},
		180_000,
		1000,
	);
	const recoveryMs = Date.now() - killedAt;
	const results = await Promise.all(answers);
	// what n8n stored: the error, and no run data at all, not even the webhook's upload
	const stored = await rest.ok<any>('GET', `/rest/executions/${killedExecutions[0]}`);
	// "Retry" in the Executions list, with the original workflow
	const jobsBeforeRetry = emulator.jobs.size;
	const retry = await rest.request('POST', `/rest/executions/${killedExecutions[0]}/retry`, { loadWorkflow: false });
	// fal runs every job to its end: nobody cancelled the killed worker's jobs
	await waitFor('every fal job of the batch to end', () => batchJobs().every((j) => j.status === 'COMPLETED'), 60_000);

	const row = (j: any) => {
		const i = batchJobs().indexOf(j);
		return `upload ${i} (execution ${owners.get(j.requestId)!.executionId}): fal ${j.status}, cancelled ${Boolean(j.cancelled)}, deliveries ${j.deliveries}, webhook ${results[i].status} after ${results[i].at - killedAt} ms`;
	};
	console.log(
		`queue mode, worker ${victim + 1} killed ${killedAt - killed[0].createdAt} ms after its first fal job:\n` +
			[...killed.map((j) => `killed worker: ${row(j)}`), ...survived.map((j) => `surviving worker: ${row(j)}`)].join('\n') +
			`\nexecutions of the killed worker: ${settled.map((e) => `${e.id} ${e.status}`).join(', ')} after ${recoveryMs} ms\n` +
			`killed worker's webhook answer: ${results[batchJobs().indexOf(killed[0])].text.slice(0, 200)}\n` +
			`retry of execution ${killedExecutions[0]}: ${retry.status} ${JSON.stringify(retry.body).slice(0, 300)}, new fal jobs ${emulator.jobs.size - jobsBeforeRetry}\n` +
			`emulator: left running ${emulator.leftRunning().length}, completed never delivered ${emulator.undelivered().length}, cancels ${emulator.cancelRequests.length}`,
	);

	// the surviving worker's uploads are answered
	for (const j of survived) {
		const answer = results[batchJobs().indexOf(j)];
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.text).requestId).toBe(j.requestId);
		expect(j.deliveries).toBeGreaterThan(0);
	}
	// the killed worker's jobs: paid at fal, completed, their answers thrown away; no cancel was sent
	expect(killed.map((j) => [j.status, Boolean(j.cancelled), j.deliveries])).toEqual([
		['COMPLETED', false, 0],
		['COMPLETED', false, 0],
	]);
	expect(emulator.undelivered().map((j: any) => j.requestId).sort()).toEqual(killed.map((j) => j.requestId).sort());
	// what an operator can recover them with: the killed worker logged each request ID as fal accepted it
	for (const j of killed) {
		expect(workers[victim].logs()).toContain(`fal job ${j.requestId} submitted for item 0 of node "OpenRouter Audio" (execution ${owners.get(j.requestId)!.executionId})`);
	}
	expect(emulator.cancelRequests).toHaveLength(0);
	expect(emulator.leftRunning()).toHaveLength(0);
	// the killed worker's uploads get no answer, and their executions end in n8n's error state
	for (const j of killed) expect(results[batchJobs().indexOf(j)].status).not.toBe(200);
	expect(settled.map((e) => e.status)).toEqual(['error', 'error']);
	expect(stored.data).toMatch(/failed to be processed too many times/);
	expect(stored.data).not.toMatch(/kill-0\.wav/);
	// retrying it never reaches fal: the item's input was not kept, the retry ends in the same error at once
	expect(retry.status).toBe(200);
	expect(retry.body.data).toMatchObject({ mode: 'retry', retryOf: killedExecutions[0], status: 'error' });
	expect(emulator.jobs.size).toBe(jobsBeforeRetry);
});
