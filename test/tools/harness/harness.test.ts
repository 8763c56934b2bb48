// Self-test of the engine harness with a throwaway node, so it is trusted before the product node exists.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { WAITS } from '../../../nodes/OpenRouterAudio/transport/waits';
import { Echo, EchoApi, ECHO_TYPE, cancelSeen } from './echo-node';
import { repoRoot } from './loader';
import { runWorkflow } from './run';
import { useS3Server } from './s3';
import { useWaits } from './waits';
import { triggerThen } from './workflow';

const echo = { nodeTypes: { [ECHO_TYPE]: new Echo() }, credentialTypes: { echoApi: new EchoApi() } };
const fixture = join(__dirname, 'fixtures', 'tiny.wav');
const s3 = useS3Server();
const opts = { nodeType: ECHO_TYPE, nodeName: 'Echo', credentials: { echoApi: { id: '1', name: 'Echo' } } };

describe('engine harness', () => {
	it('runs trigger -> node and passes items through', async () => {
		const { run, items, error } = await runWorkflow({
			...echo,
			...triggerThen({ mode: 'echo' }, [{ a: 1 }, { a: 2 }], opts),
		});
		expect(run.status).toBe('success');
		expect(error('Echo')).toBeUndefined();
		expect(items('Trigger').map((i) => i.json)).toEqual([{ a: 1 }, { a: 2 }]);
		expect(items('Echo').map((i) => i.json)).toEqual([
			{ a: 1, echoed: true },
			{ a: 2, echoed: true },
		]);
	});

	it('stores binary data in filesystem mode with an id that round-trips', async () => {
		const { items, binaryBuffer } = await runWorkflow({
			...echo,
			binaryMode: 'filesystem',
			...triggerThen({ mode: 'binary', binaryPropertyName: 'audio' }, [{}], {
				...opts,
				binaryFiles: [{ path: fixture, property: 'audio', mimeType: 'audio/wav' }],
			}),
		});
		const binary = items('Binary')[0].binary!.audio;
		expect(binary.id).toMatch(/^filesystem(-v2)?:/);
		expect(binary.data).not.toMatch(/^UklG/); // no inline base64
		expect(binary).toMatchObject({ fileName: 'tiny.wav', mimeType: 'audio/wav' });
		expect(await binaryBuffer(binary)).toEqual(readFileSync(fixture));
		// The node read the same bytes back through this.helpers.getBinaryDataBuffer.
		expect(items('Echo')[0].json).toMatchObject({ bytes: 42, text: expect.stringContaining('fake-audio') });
	});

	it('stores binary data in s3 mode as one object in the bucket, read back by its id', async () => {
		const { items, binaryBuffer, executionId } = await runWorkflow({
			...echo,
			binaryMode: 's3',
			s3: s3(),
			...triggerThen({ mode: 'binary', binaryPropertyName: 'audio' }, [{}], {
				...opts,
				binaryFiles: [{ path: fixture, property: 'audio', mimeType: 'audio/wav' }],
			}),
		});
		const binary = items('Binary')[0].binary!.audio;
		const key = `workflows/harness-workflow/executions/${executionId}/binary_data/`;
		expect(binary.id).toMatch(new RegExp(`^s3:${key}[0-9a-f-]{36}$`));
		// S3's own record: the bytes, MIME type and file name n8n sent with the PUT.
		const bytes = readFileSync(fixture);
		expect(await s3().objects()).toEqual([
			{
				key: binary.id!.slice('s3:'.length),
				body: bytes,
				metadata: expect.objectContaining({ 'content-type': 'audio/wav', 'x-amz-meta-filename': 'tiny.wav' }),
			},
		]);
		expect(await binaryBuffer(binary)).toEqual(bytes);
		expect(items('Echo')[0].json).toMatchObject({ bytes: 42, text: expect.stringContaining('fake-audio') });
	});

	it('keeps binary data inline as base64 in default mode', async () => {
		const { items } = await runWorkflow({
			...echo,
			...triggerThen({ mode: 'binary' }, [{}, {}], {
				...opts,
				binaryFiles: [{ path: fixture, itemIndex: 1 }],
				continueOnFail: true,
			}),
		});
		const [first, second] = items('Binary');
		expect(first.binary).toEqual({}); // itemIndex limits a file to one item
		expect(second.binary!.data.id).toBeUndefined();
		expect(second.binary!.data).toMatchObject({ fileName: 'tiny.wav', mimeType: 'audio/wav' });
		expect(Buffer.from(second.binary!.data.data, 'base64').toString('latin1')).toContain('fake-audio');
		expect(items('Echo').map((i) => i.json)).toEqual([
			{ error: "The item has no binary field 'data' [item 0]" },
			expect.objectContaining({ bytes: 42 }),
		]);
	});

	it('continueOnFail turns an error into an output item', async () => {
		const { run, items, error } = await runWorkflow({
			...echo,
			...triggerThen({ mode: 'fail' }, [{}], { ...opts, continueOnFail: true }),
		});
		expect(run.status).toBe('success');
		expect(error('Echo')).toBeUndefined();
		expect(items('Echo').map((i) => i.json)).toEqual([{ error: 'boom on item 0' }]);
	});

	it('without continueOnFail the run fails with the node error', async () => {
		const { run, items, error } = await runWorkflow({ ...echo, ...triggerThen({ mode: 'fail' }, [{}], opts) });
		expect(run.status).toBe('error');
		expect(error('Echo')?.message).toBe('boom on item 0');
		expect(items('Echo')).toEqual([]);
	});

	it('cancelAfterMs fires the execution cancel signal', async () => {
		cancelSeen.fired = false;
		const { run } = await runWorkflow({ ...echo, cancelAfterMs: 200, ...triggerThen({ mode: 'wait' }, [{}], opts) });
		expect(cancelSeen.fired).toBe(true);
		expect(run.status).toBe('canceled');
	});

	describe('credentials', () => {
		let server: Server;
		let url: string;
		beforeAll(async () => {
			server = createServer((req, res) => res.end(JSON.stringify({ authorization: req.headers.authorization ?? null })));
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
		});
		afterAll(async () => await new Promise((resolve) => server.close(resolve)));

		it('applies the credential type generic authenticate block', async () => {
			const { items, credentialsHelper } = await runWorkflow({
				...echo,
				credentials: { echoApi: { apiKey: 'secret-1' } },
				...triggerThen({ mode: 'request', url }, [{}], opts),
			});
			expect(items('Echo')[0].json).toEqual({ authorization: 'Key secret-1' });
			expect(credentialsHelper.requested.map((r) => r.type)).toEqual(['echoApi']);
		});
	});
});

describe('useWaits', () => {
	const waits = useWaits({ lateAnswerMs: 1234 });
	// The router creates its session exactly so: from the built package, without waits of its own.
	const built = require(join(repoRoot, 'dist', 'nodes', 'OpenRouterAudio', 'transport', 'session.js')) as typeof import('../../../nodes/OpenRouterAudio/transport/session');

	it('sets the waits every session of the built package starts with, and only those named', () => {
		const session = built.createFalSession('test-key', { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 });
		expect(session.waits.lateAnswerMs).toBe(1234);
		expect(session.waits.streamInactivityMs).toBe(WAITS.streamInactivityMs);
		expect(waits()).toEqual({ ...WAITS, lateAnswerMs: 1234 });
	});
});
