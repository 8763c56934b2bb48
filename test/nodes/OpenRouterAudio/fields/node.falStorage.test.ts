import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';

import { AUDIO, runWorkflow, FIXTURES, NODE_NAME, triggerThen, useFalEmulator } from '../../../tools/harness';
import { wav } from '../../../fixtures/wav';

// What fal keeps of an item, through the n8n engine against the emulator's own records: "Keep Request Data at
// Fal" off sends X-Fal-Store-IO: 0 with every submit (fal then lists the request without payloads), and "Keep
// Uploaded Audio at Fal" sets the lifetime of the audio the node uploads (X-Fal-Object-Lifecycle on the upload's
// initiation), reported on the item as audioExpiresAt.
const emulator = useFalEmulator({ itemKey: (input) => input?.prompt });
const MP3 = `${FIXTURES}/speech.mp3`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const submits = () => emulator().requestsTo('submit');
const storeIoOf = (prompt: string) => submits().filter((request) => (request.body as { prompt?: string })?.prompt === prompt).map((request) => request.headers['x-fal-store-io']);
const byUrl = (options: INodeParameters, prompt: string, operation = 'analyze'): INodeParameters => ({ operation, audioUrl: AUDIO, task: 'custom', prompt, options });
const binary = (options: INodeParameters, operation = 'analyze'): INodeParameters => ({ operation, audioSource: 'binary', options });
const lifecycleOf = (route: 'initiate' | 'initiate-multipart' = 'initiate') => {
	const header = emulator().requests.find((request) => request.route === route)?.headers['x-fal-object-lifecycle'];
	return header === undefined ? undefined : JSON.parse(header);
};

async function historyItems(): Promise<Record<string, unknown>[]> {
	const res = await fetch('https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=openrouter/router/audio&expand=payloads', {
		headers: { authorization: 'Key test-key' },
	});
	return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

describe('Keep Request Data at Fal', () => {
	test('off: every submit of Analyze and Submit Job carries X-Fal-Store-IO: 0, and fal lists those requests without payloads; on (the default): none', async () => {
		const analyzed = await runWorkflow(triggerThen(byUrl({ keepRequestData: false }, '=Off {{ $json.n }}'), [{ n: 0 }, { n: 1 }]));
		const submitted = await runWorkflow(triggerThen(byUrl({ keepRequestData: false }, 'Off submit', 'submit')));
		const kept = await runWorkflow(triggerThen(byUrl({}, 'Kept')));
		for (const run of [analyzed, submitted, kept]) expect(run.error(NODE_NAME)).toBeUndefined();
		expect(analyzed.items(NODE_NAME).map((item) => item.json.output)).toEqual([expect.stringContaining('Off 0'), expect.stringContaining('Off 1')]);

		expect(['Off 0', 'Off 1', 'Off submit', 'Kept'].map(storeIoOf)).toEqual([['0'], ['0'], ['0'], [undefined]]);
		const jobs = emulator().jobsBy((job) => job.key);
		expect(['Off 0', 'Off 1', 'Off submit', 'Kept'].map((key) => jobs.get(key)!.map((job) => job.storeIo))).toEqual([[false], [false], [false], [true]]);

		for (const started = Date.now(); emulator().leftRunning().length > 0 && Date.now() - started < 5000; ) await sleep(50);
		const listed = new Map((await historyItems()).map((item) => [item.request_id, item]));
		for (const key of ['Off 0', 'Off 1', 'Off submit']) {
			const item = listed.get(jobs.get(key)![0].requestId)!;
			expect(item).toMatchObject({ status_code: 200 });
			expect(item).not.toHaveProperty('json_input');
			expect(item).not.toHaveProperty('json_output');
		}
		expect(listed.get(jobs.get('Kept')![0].requestId)).toMatchObject({ json_input: expect.objectContaining({ prompt: 'Kept' }) });
	});

	test('off: a submit sent again after a lost one carries the header too, and the item still has one job', async () => {
		// The first submit never reaches the app; its start deadline (2 s) and the listing lag prove no job exists.
		emulator().fault({ route: 'submit', drop: true });
		const result = await runWorkflow({ ...triggerThen(byUrl({ keepRequestData: false, maxQueueWait: 2 }, 'Again')), timeoutMs: 90_000 });
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(storeIoOf('Again')).toEqual(['0', '0']);
		expect(emulator().jobsBy((job) => job.key).get('Again')!.map((job) => job.storeIo)).toEqual([false]);
		expect(emulator().billed()).toHaveLength(1);
	}, 90_000);

	test('off: Get Job after the result left fal\'s result store says fal kept no copy because Keep Request Data was off', async () => {
		emulator().setRetention({ ms: 300, largeMs: 300 });
		const submitted = await runWorkflow(triggerThen(byUrl({ keepRequestData: false }, 'Gone', 'submit')));
		const requestId = String(submitted.items(NODE_NAME)[0].json.requestId);
		for (const started = Date.now(); emulator().jobs.get(requestId)?.status !== 'COMPLETED' && Date.now() - started < 5000; ) await sleep(50);
		await sleep(500);
		const result = await runWorkflow(triggerThen({ operation: 'getJob', requestId }));
		const error = result.error(NODE_NAME);
		expect(error?.message).toBe(`fal no longer has the answer of job ${requestId} (HTTP 404 from queue.fal.run) [item 0]`);
		expect(error?.description).toContain('fal kept none of its request data: it was submitted with "Keep Request Data at Fal" off (X-Fal-Store-IO: 0)');
		// The emulator lists the request, without payloads: no fault made it so.
		expect(emulator().requests.filter((request) => request.route === 'history').map((request) => request.answerStatus)).toEqual([200]);
	});

	test('a value that is not true or false fails the item before anything is sent', async () => {
		const result = await runWorkflow(triggerThen(byUrl({ keepRequestData: '={{ "maybe" }}' }, 'Bad')));
		expect(result.error(NODE_NAME)?.message).toBe('The "Keep Request Data at Fal" option is "maybe", not true or false [item 0]');
		expect(emulator().requests).toEqual([]);
	});
});

describe('Keep Uploaded Audio at Fal', () => {
	const DAY = 86_400;
	test.each([
		['For the Job, at the defaults: 2 x (3600 + 600) + 600', {}, 9000],
		['For the Job: 2 x (Max Queue Wait 100 + Timeout 50) + 600', { maxQueueWait: 100, timeout: 50 }, 900],
		['For the Job, capped at a day', { uploadedAudioLifetime: 'job', maxQueueWait: 40_000, timeout: 10_000 }, DAY],
		['For the Job without a queue limit: a day', { maxQueueWait: 0 }, DAY],
		['For the Job without a timeout: a day', { timeout: 0 }, DAY],
		['One Day', { uploadedAudioLifetime: '1d' }, DAY],
		['Seven Days', { uploadedAudioLifetime: '7d' }, 7 * DAY],
		['Thirty Days', { uploadedAudioLifetime: '30d' }, 30 * DAY],
	])('%s: sent on the upload\'s initiation and reported as audioExpiresAt', async (_name, options, seconds) => {
		const before = Date.now();
		const result = await runWorkflow(triggerThen(binary(options), [{}], { binaryFiles: [{ path: MP3 }] }));
		const after = Date.now();
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(lifecycleOf()).toEqual({ expiration_duration_seconds: seconds });
		const expiresAt = Date.parse(String(result.items(NODE_NAME)[0].json.audioExpiresAt));
		expect(expiresAt).toBeGreaterThanOrEqual(before + seconds * 1000);
		expect(expiresAt).toBeLessThanOrEqual(after + seconds * 1000);
		// fal's count starts at its initiation, after the node's: the file lives at least until audioExpiresAt.
		const [fileUrl] = emulator().uploads.keys();
		expect(emulator().uploadLifetimes.get(fileUrl)!.expiresAt).toBeGreaterThanOrEqual(expiresAt);
	});

	test('Never Expire: no lifetime is sent, audioExpiresAt is null, and the file stays', async () => {
		const result = await runWorkflow(triggerThen(binary({ uploadedAudioLifetime: 'never' }), [{}], { binaryFiles: [{ path: MP3 }] }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(emulator().requests.find((request) => request.route === 'initiate')?.headers['x-fal-object-lifecycle']).toBeUndefined();
		expect(result.items(NODE_NAME)[0].json).toHaveProperty('audioExpiresAt', null);
		emulator().advanceCdnClock(400 * DAY * 1000);
		expect((await fetch([...emulator().uploads.keys()][0])).status).toBe(200);
	});

	test('Submit Job: audioExpiresAt on the item, and the uploaded file answers 404 once it has passed', async () => {
		const result = await runWorkflow(triggerThen(binary({ maxQueueWait: 60, timeout: 60 }, 'submit'), [{}], { binaryFiles: [{ path: MP3 }] }));
		const item = result.items(NODE_NAME)[0].json;
		expect(item).toEqual({ requestId: expect.any(String), status: 'IN_QUEUE', model: 'google/gemini-3-flash-preview', audioExpiresAt: expect.any(String) });
		const expiresAt = Date.parse(String(item.audioExpiresAt));
		expect(lifecycleOf()).toEqual({ expiration_duration_seconds: 2 * 120 + 600 });
		const [fileUrl] = emulator().uploads.keys();
		expect(emulator().jobs.get(String(item.requestId))!.input).toMatchObject({ audio_url: fileUrl });

		// The CDN's clock moves, not the test's: just before audioExpiresAt the file is there, just after it is gone.
		emulator().advanceCdnClock(expiresAt - Date.now() - 5000);
		expect((await fetch(fileUrl)).status).toBe(200);
		emulator().advanceCdnClock(10_000);
		expect((await fetch(fileUrl)).status).toBe(404);
	});

	test('a multipart upload (over 90 MB) carries the lifetime on its initiation', async () => {
		const path = join(tmpdir(), `keeps-multipart-${process.pid}.wav`);
		writeFileSync(path, wav(91 * 1024 * 1024));
		const result = await runWorkflow({
			...triggerThen(binary({ uploadedAudioLifetime: '7d', timeout: 300 }), [{}], { binaryFiles: [{ path, mimeType: 'audio/wav' }] }),
			timeoutMs: 120_000,
		}).finally(() => rmSync(path, { force: true }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(emulator().requests.some((request) => request.route === 'initiate')).toBe(false);
		expect(lifecycleOf('initiate-multipart')).toEqual({ expiration_duration_seconds: 7 * DAY });
		expect(result.items(NODE_NAME)[0].json.audioExpiresAt).toEqual(expect.any(String));
	}, 120_000);

	test('Retry On Fail: a job taken over keeps its upload (no audioExpiresAt), an item submitted anew uploads anew with a fresh lifetime', async () => {
		// Item 1's first submit is refused (no job): the retry takes over item 0's job and uploads item 1's audio again.
		emulator().fault({ route: 'submit', status: 400, body: { detail: 'Bad request' }, match: (request) => (request.body as { prompt?: string })?.prompt === 'Item 1' });
		const result = await runWorkflow(
			triggerThen({ ...binary({}), task: 'custom', prompt: '=Item {{ $json.n }}' }, [{ n: 0 }, { n: 1 }], {
				binaryFiles: [{ path: MP3 }],
				retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
			}),
		);
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect([...emulator().jobsBy((job) => job.key).values()].map((jobs) => jobs.length)).toEqual([1, 1]);
		expect(emulator().requests.filter((request) => request.route === 'initiate')).toHaveLength(3);
		const [first, second] = result.items(NODE_NAME).map((item) => item.json);
		expect(first).not.toHaveProperty('audioExpiresAt');
		expect(second.audioExpiresAt).toEqual(expect.any(String));
		// Item 1's job uses the retry's upload, whose lifetime starts with it.
		const job = emulator().jobsBy((job) => job.key).get('Item 1')![0];
		const lifetime = emulator().uploadLifetimes.get((job.input as { audio_url: string }).audio_url)!;
		expect(lifetime.expiresAt).toBeGreaterThanOrEqual(Date.parse(String(second.audioExpiresAt)));
	});

	test('a URL is not uploaded: no initiation, no audioExpiresAt', async () => {
		const result = await runWorkflow(triggerThen(byUrl({}, 'By URL')));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(emulator().requests.map((request) => request.route)).not.toContain('initiate');
		expect(result.items(NODE_NAME)[0].json).not.toHaveProperty('audioExpiresAt');
	});

	test('an unknown lifetime fails the item before anything is uploaded or sent', async () => {
		const result = await runWorkflow(triggerThen(binary({ uploadedAudioLifetime: '={{ "2d" }}' }), [{}], { binaryFiles: [{ path: MP3 }] }));
		expect(result.error(NODE_NAME)?.message).toBe('The "Keep Uploaded Audio at Fal" option is "2d" [item 0]');
		expect(result.error(NODE_NAME)?.description).toBe('Use one of "job", "never", "1d", "7d", "30d" (an expression must return one of them).');
		expect(emulator().requests).toEqual([]);
	});
});

describe('Delete Request Data After Answer', () => {
	const withAdmin = (adminApiKey: string) => ({ credentials: { falApi: { apiKey: 'test-key', adminApiKey } } });
	const deletes = () => emulator().requests.filter((request) => request.route === 'delete-payloads');

	test('with an admin key: once the answer is on the item, fal\'s copy is deleted; the key appears nowhere in the output', async () => {
		const result = await runWorkflow({ ...triggerThen(byUrl({ deleteRequestData: true }, 'Delete me')), ...withAdmin(' Key admin-key\n') });
		expect(result.error(NODE_NAME)).toBeUndefined();
		const [item] = result.items(NODE_NAME);
		expect(item.json).toMatchObject({ output: expect.stringContaining('Delete me'), requestDataDeleted: true });
		const [job] = emulator().jobs.values();
		expect(deletes().map((request) => [request.path, request.headers.authorization])).toEqual([[`/v1/models/requests/${job.requestId}/payloads`, 'Key admin-key']]);
		expect(deletes()[0].headers['idempotency-key']).toEqual(expect.any(String));
		// Deleted after the answer was read, never before.
		const resultRead = emulator().requests.find((request) => request.route === 'result')!;
		expect(deletes()[0].at).toBeGreaterThanOrEqual(resultRead.answeredAt!);
		expect(job.payloadsDeletedAt).toEqual(expect.any(Number));
		expect((await historyItems())[0]).not.toHaveProperty('json_input');
		// Submits still go with the ordinary key.
		expect(submits().map((request) => request.headers.authorization)).toEqual(['Key test-key']);
		expect(JSON.stringify(result.items(NODE_NAME))).not.toContain('admin-key');
	});

	test.each([
		[
			'a key fal refuses',
			{ route: 'delete-payloads', status: 403, body: { detail: 'admin-key is not an admin key' } },
			"fal refused the credential's Admin API Key (HTTP 403): it must be an admin key of the same account",
		],
		['fal failing every attempt', { route: 'delete-payloads', status: 500, times: Infinity }, 'fal answered HTTP 500 (2 attempts)'],
		['a dropped connection every time', { route: 'delete-payloads', drop: true, times: Infinity }, 'fal could not be reached or did not answer (2 attempts)'],
	] as const)('a deletion that fails (%s) never fails the delivered item: it says fal still keeps the data', async (_name, fault, reason) => {
		emulator().fault({ ...fault });
		const result = await runWorkflow({ ...triggerThen(byUrl({ deleteRequestData: true, maxRetries: 1 }, 'Kept anyway')), ...withAdmin('admin-key') });
		expect(result.error(NODE_NAME)).toBeUndefined();
		const { json } = result.items(NODE_NAME)[0];
		expect(json.output).toEqual(expect.stringContaining('Kept anyway'));
		expect(json.requestDataDeleted).toBe(false);
		expect(json.requestDataNote).toBe(`fal still keeps the request data: ${reason}`);
		expect(JSON.stringify(json)).not.toContain('admin-key');
		expect(emulator().billed()).toHaveLength(1);
		expect(emulator().undelivered()).toEqual([]);
	});

	test('with Retry On Fail nothing is deleted: a later try reads every answer again, from fal\'s history once the result expired', async () => {
		const result = await runWorkflow({
			...triggerThen(byUrl({ deleteRequestData: true }, 'Retried'), [{}], { retryOnFail: { maxTries: 2 } }),
			...withAdmin('admin-key'),
		});
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(result.items(NODE_NAME)[0].json).toMatchObject({
			requestDataDeleted: false,
			requestDataNote: 'fal still keeps the request data: not deleted, because with "Retry On Fail" a later try of this node reads this answer again from fal',
		});
		expect(deletes()).toEqual([]);
		expect([...emulator().jobs.values()][0].payloadsDeletedAt).toBeNull();
	});

	test('without an admin key in the credential the item fails before anything is sent', async () => {
		const result = await runWorkflow(triggerThen(byUrl({ deleteRequestData: true }, 'No admin')));
		expect(result.error(NODE_NAME)?.message).toBe('The "Delete Request Data After Answer" option needs an admin key, and the Fal API credential has none [item 0]');
		expect(emulator().requests).toEqual([]);
	});

	test('with Keep Request Data at Fal off nothing was stored: nothing is deleted, no admin key needed', async () => {
		const result = await runWorkflow(triggerThen(byUrl({ deleteRequestData: true, keepRequestData: false }, 'Never kept')));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(result.items(NODE_NAME)[0].json).not.toHaveProperty('requestDataDeleted');
		expect(deletes()).toEqual([]);
	});
});
