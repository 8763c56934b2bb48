/**
 * A locked account (balance exhausted, or an admin lock): fal refuses new work and new uploads with
 * 403 and still answers about what exists; driven by the real @fal-ai/client.
 */
import { createFalClient } from '@fal-ai/client';

import { ENDPOINT_ID } from './server';
import { caught, input, useEmulator } from './use-emulator';

const ctx = useEmulator();
const EXHAUSTED = 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.';

describe('locked account', () => {
	it('refuses submits, sync runs and upload initiations with 403; an existing job still answers on every route', async () => {
		const { emu, fal } = ctx;
		emu.setLatency(10_000);
		const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input('before the lock') });
		emu.lockAccount();

		const refused = [
			() => fal.queue.submit(ENDPOINT_ID, { input: input('queued') }),
			() => fal.run(ENDPOINT_ID, { input: input('sync') }),
			() => fal.storage.upload(new Blob([Buffer.from('RIFF')], { type: 'audio/wav' })),
		];
		for (const call of refused) expect(await caught(call())).toMatchObject({ status: 403, body: { detail: EXHAUSTED } });
		const multipart = await fetch('https://rest.fal.ai/storage/upload/initiate-multipart', {
			method: 'POST',
			headers: { authorization: 'Key test-key', 'content-type': 'application/json' },
			body: JSON.stringify({ content_type: 'audio/wav', file_name: 'big.wav' }),
		});
		expect([multipart.status, await multipart.json()]).toEqual([403, { detail: EXHAUSTED }]);
		expect(emu.requests.filter((r) => r.answerStatus === 403).map((r) => r.route)).toEqual(['submit', 'run', 'initiate', 'initiate-multipart']);
		expect(emu.jobs.size).toBe(1);

		expect(await fal.queue.status(ENDPOINT_ID, { requestId: request_id })).toMatchObject({ status: 'IN_PROGRESS' });
		await fal.queue.cancel(ENDPOINT_ID, { requestId: request_id });
		const stream = await fal.queue.streamStatus(ENDPOINT_ID, { requestId: request_id });
		expect(await stream.done()).toMatchObject({ status: 'COMPLETED' });
		expect((await caught(fal.queue.result(ENDPOINT_ID, { requestId: request_id }))).status).toBe(499);
		const history = await fetch(`https://api.fal.ai/v1/models/requests/by-endpoint?endpoint_id=${ENDPOINT_ID}`, {
			headers: { authorization: 'Key test-key' },
		});
		expect(((await history.json()) as any).items.map((i: any) => i.request_id)).toEqual([request_id]);
		expect(emu.requests.filter((r) => r.answerStatus === 403)).toHaveLength(4);
	});

	it('a given reason replaces the default; a wrong key is still 401; unlockAccount lets submits in again', async () => {
		const { emu, fal } = ctx;
		emu.lockAccount('Admin lock');
		const e = await caught(fal.queue.submit(ENDPOINT_ID, { input: input() }));
		expect([e.status, e.body]).toEqual([403, { detail: 'User is locked. Reason: Admin lock' }]);
		const wrongKey = await caught(createFalClient({ credentials: 'wrong' }).queue.submit(ENDPOINT_ID, { input: input() }));
		expect(wrongKey.status).toBe(401);
		emu.unlockAccount();
		await fal.queue.submit(ENDPOINT_ID, { input: input() });
		expect(emu.jobs.size).toBe(1);
	});
});
