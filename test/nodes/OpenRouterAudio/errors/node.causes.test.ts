import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FIXTURES, NODE_NAME, runWorkflow, triggerThen, useFalEmulator, useLoggedLines, visibleText, type WorkflowRunResult } from '../../../tools/harness';
import { UPLOAD_HOST } from '../../../tools/emulator/storage';
import { wav } from '../../../fixtures/wav';

// Each cause of a refusal is named for what it is, with the host and status it came from, through the real
// fal client and n8n engine against the emulator. A locked account is never called a wrong key.
const KEY = 'fal-key-3c4d5e6f:a1b2c3d4e5f60718293a4b5c';
const emulator = useFalEmulator({ apiKeys: [KEY] });

const LOCKED = 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.';
const BILLING = 'https://fal.ai/dashboard/billing';

const logs = useLoggedLines();

function expectNoKey(result: WorkflowRunResult) {
	const text = visibleText(result, logs());
	expect(text).not.toContain(KEY);
	expect(text).not.toContain(KEY.split(':')[1]);
}

const byUrl = (apiKey = KEY) =>
	runWorkflow({ ...triggerThen({ audioUrl: 'https://audio.example/a.mp3' }), credentials: { falApi: { apiKey } } });

const byBinary = () =>
	runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
		credentials: { falApi: { apiKey: KEY } },
	});

const routes = () => emulator().requests.map((request) => request.route);

// The emulator's locked account answers as fal does (test/tools/emulator/server.js): new submits and uploads 403,
// everything about existing jobs as usual.
describe('a locked account (fal: 403 "User is locked")', () => {
	test('on the submit: the account is locked, fal\'s reason, the billing link, nothing started, the key is fine', async () => {
		emulator().lockAccount();
		const result = await byUrl();
		const error = result.error(NODE_NAME);
		expect(error?.message).toBe('The fal account is locked: Exhausted balance (HTTP 403 from queue.fal.run) [item 0]');
		expect(error?.description).toContain(`fal said: "${LOCKED}"`);
		expect(error?.description).toContain(BILLING);
		expect(error?.description).toMatch(/The API key itself is fine/);
		expect(error?.description).toMatch(/No job was started for this item and nothing was paid for it/);
		expect(`${error?.message} ${error?.description}`).not.toMatch(/mistyped|refused the API key|wrong key/i);
		// fal refused the submit: no job exists.
		expect(routes()).toEqual(['submit']);
		expect(emulator().jobs.size).toBe(0);
		expectNoKey(result);
	});

	test('on the storage upload initiation: nothing uploaded, nothing submitted', async () => {
		emulator().lockAccount('Admin lock.');
		const result = await byBinary();
		const error = result.error(NODE_NAME);
		expect(error?.message).toBe('The fal account is locked: Admin lock (HTTP 403 from rest.fal.ai) [item 0]');
		expect(error?.description).toContain(BILLING);
		expect(error?.description).toMatch(/The API key itself is fine/);
		expect(error?.description).toMatch(/The audio was not uploaded and no job was started for this item; nothing was paid for it/);
		expect(`${error?.message} ${error?.description}`).not.toMatch(/mistyped|refused the API key|wrong key/i);
		expect(routes()).toEqual(['initiate']);
		expect(emulator().uploads.size).toBe(0);
		expect(emulator().jobs.size).toBe(0);
		expectNoKey(result);
	});
});

/** The refused upload as the item reads it: the upload address, fal's reason, nothing paid. */
function expectUploadRefused(error: { message?: string; description?: string | null } | undefined) {
	expect(error?.message).toBe(`The audio upload was refused (HTTP 403 from ${UPLOAD_HOST}) [item 0]`);
	expect(error?.description).toMatch(/at the upload address fal gave for it\. Such an address is signed and valid for a short time only/);
	expect(error?.description).toMatch(/Request has expired/);
	expect(error?.description).toMatch(/no job was started for this item; nothing was paid for it/);
}

test('a 403 from the signed upload URL, on a host that is not fal\'s: the upload was refused, not the key', async () => {
	emulator().fault({ route: 'upload', status: 403, text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', contentType: 'application/xml' });
	const result = await byBinary();
	const error = result.error(NODE_NAME);
	// The upload went to the URL the initiation answered, whose host is no fal host (test/tools/emulator/storage.js).
	const upload = emulator().requests.find((request) => request.route === 'upload');
	expect(upload?.host).toBe(UPLOAD_HOST);
	expect(upload?.answerStatus).toBe(403);
	expectUploadRefused(error);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/key|credential|scope|locked/i);
	expect(routes()).toEqual(['initiate', 'upload']);
	expect(emulator().uploads.size).toBe(0);
	expect(emulator().jobs.size).toBe(0);
	expectNoKey(result);
});

test('a 403 on a part of a multipart upload (a file over 90 MB): the upload was refused, named like a single one; the part is not sent again', async () => {
	emulator().fault({ route: 'upload-part', status: 403, text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', contentType: 'application/xml' });
	const path = join(tmpdir(), `causes-multipart-${process.pid}.wav`);
	writeFileSync(path, wav(91 * 1024 * 1024));
	const result = await runWorkflow({
		...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path, mimeType: 'audio/wav' }] }),
		credentials: { falApi: { apiKey: KEY } },
		timeoutMs: 120_000,
	}).finally(() => rmSync(path, { force: true }));
	const error = result.error(NODE_NAME);
	const part = emulator().requests.find((request) => request.route === 'upload-part');
	expect(part?.host).toBe(UPLOAD_HOST);
	expect(part?.answerStatus).toBe(403);
	expectUploadRefused(error);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/key|credential|scope|locked|retries exhausted/i);
	// The refused part is asked once: neither the node nor the fal client's own part retries send it again.
	expect(routes()).toEqual(['initiate-multipart', 'upload-part']);
	expect(emulator().jobs.size).toBe(0);
	expectNoKey(result);
}, 120_000);

test('a 401: the key was refused, from which host, and that nothing was started', async () => {
	const result = await byUrl('fal-key-00000000:not-a-real-secret');
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('fal refused the API key (HTTP 401 from queue.fal.run) [item 0]');
	expect(error?.description).toMatch(/Check the Fal API credential: the key may be mistyped, revoked/);
	expect(error?.description).toMatch(/No job was started for this item/);
	expect(routes()).toEqual(['submit']);
	expect(emulator().jobs.size).toBe(0);
	expect(visibleText(result, logs())).not.toContain('not-a-real-secret');
});

test('another 403: fal refused the request, with its detail; a permission, not necessarily a wrong key', async () => {
	emulator().fault({ route: 'submit', status: 403, body: { detail: 'This key may not access openrouter/router/audio' } });
	const result = await byUrl();
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('fal refused the request: This key may not access openrouter/router/audio (HTTP 403 from queue.fal.run) [item 0]');
	expect(error?.description).toMatch(/not necessarily a wrong key/);
	expect(error?.description).toMatch(/scope/);
	expect(error?.description).toMatch(/No job was started for this item/);
	expect(`${error?.message} ${error?.description}`).not.toMatch(/locked|refused the API key/i);
	expect(routes()).toEqual(['submit']);
	expect(emulator().jobs.size).toBe(0);
	expectNoKey(result);
});

test('with Continue On Fail, the item\'s error output carries the same message', async () => {
	emulator().fault({ route: 'submit', status: 403, body: { detail: LOCKED } });
	const result = await runWorkflow({
		...triggerThen({ audioUrl: 'https://audio.example/a.mp3' }, [{}], { continueOnFail: true }),
		credentials: { falApi: { apiKey: KEY } },
	});
	expect(result.items(NODE_NAME).map((item) => item.json)).toEqual([
		{ error: 'The fal account is locked: Exhausted balance (HTTP 403 from queue.fal.run) [item 0]' },
	]);
	expectNoKey(result);
});
