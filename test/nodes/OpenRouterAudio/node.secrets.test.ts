import { runWorkflow, type WorkflowRunResult } from '../../harness/run';
import { NODE_NAME, triggerThen } from '../../harness/workflow';
import { FIXTURES, useFalEmulator } from './useFalEmulator';

const KEY = 'fal-key-5b1f0c9e:9d8c7b6a5f4e3d2c1b0a';
const emulator = useFalEmulator({ apiKeys: [KEY] });

// Everything a user or an operator can see of a run: its data, its errors, and whatever was logged.
function visibleText(result: WorkflowRunResult, logged: string[]): string {
	return JSON.stringify(result.run) + JSON.stringify(result.error(NODE_NAME) ?? {}) + logged.join('\n');
}

describe('the API key', () => {
	let logged: string[];
	let spies: jest.SpyInstance[];
	beforeEach(() => {
		logged = [];
		spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
			jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
		);
	});
	afterEach(() => spies.forEach((spy) => spy.mockRestore()));

	test('a wrong key gives a clear 401 error', async () => {
		const result = await runWorkflow({
			...triggerThen({ audioUrl: 'https://audio.example/a.mp3' }),
			credentials: { falApi: { apiKey: 'wrong-key-0000' } },
		});
		expect(result.error(NODE_NAME)?.message).toBe('fal refused the API key (HTTP 401 from queue.fal.run) [item 0]');
		expect(result.error(NODE_NAME)?.description).toMatch(/Check the Fal API credential/);
		expect(emulator().requests.map((request) => request.route)).toEqual(['submit']);
	});

	test('is sent as "Key <key>" and never appears in outputs, errors or logs', async () => {
		emulator().respondWith((input) =>
			input.prompt === 'fail' ? { error: { status: 500, body: { detail: 'internal' } } } : { output: 'fine', usage: {} },
		);
		const runs = [
			await runWorkflow({
				binaryMode: 'filesystem',
				...triggerThen({ audioSource: 'binary', task: 'custom', prompt: '={{ $json.p }}', options: { maxRetries: 0 } },
					[{ p: 'ok' }, { p: 'fail' }], { continueOnFail: true, binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
				credentials: { falApi: { apiKey: KEY } },
			}),
			await runWorkflow({
				...triggerThen({ audioUrl: 'ftp://nope', options: { temperature: 9 } }),
				credentials: { falApi: { apiKey: KEY } },
			}),
			await runWorkflow({ ...triggerThen({ operation: 'getJob', requestId: '00000000-0000-4000-8000-000000000000' }), credentials: { falApi: { apiKey: KEY } } }),
		];
		const authHeaders = new Set(emulator().requests.filter((r) => r.route !== 'upload').map((r) => r.headers.authorization));
		expect([...authHeaders]).toEqual([`Key ${KEY}`]);
		expect(runs[0].items(NODE_NAME).map((item) => Object.keys(item.json))).toEqual([
			['output', 'usage', 'usageNote', 'model', 'requestId'],
			['error'],
		]);
		for (const result of runs) expect(visibleText(result, logged)).not.toContain(KEY);
		// The key is also not recoverable from a fragment, e.g. its secret half.
		for (const result of runs) expect(visibleText(result, logged)).not.toContain(KEY.split(':')[1]);
	});

	test.each([[`Key ${KEY}`], [`  ${KEY}\n`], [`KEY ${KEY}`]])('pasted as %j, runs jobs (URL and uploaded file), is sent as "Key <key>" and never shows', async (pasted) => {
		// fal echoes the header it got into an error, for the second item of each run.
		emulator().fault({
			route: 'submit',
			status: 400,
			body: (req) => ({ detail: `you sent ${req.headers.authorization}` }),
			match: (req) => (req.body as { prompt?: string } | undefined)?.prompt === 'fail',
			times: Infinity,
		});
		const credentials = { falApi: { apiKey: pasted } };
		const params = { task: 'custom', prompt: '={{ $json.p }}', options: { maxRetries: 0 } };
		const items = [{ p: 'ok' }, { p: 'fail' }];
		const runs = [
			await runWorkflow({ ...triggerThen({ ...params, audioUrl: 'https://audio.example/a.mp3' }, items, { continueOnFail: true }), credentials }),
			await runWorkflow({
				binaryMode: 'filesystem',
				...triggerThen({ ...params, audioSource: 'binary' }, items, { continueOnFail: true, binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
				credentials,
			}),
		];
		for (const result of runs) {
			const [ok, failed] = result.items(NODE_NAME).map((item) => item.json);
			expect(typeof ok.output).toBe('string');
			expect(failed.error).toBe('fal returned an error: you sent *** (HTTP 400 from queue.fal.run) [item 1]');
		}
		expect(emulator().jobs.size).toBe(2);
		expect(emulator().uploads.size).toBe(2);
		const authHeaders = new Set(emulator().requests.filter((r) => r.route !== 'upload').map((r) => r.headers.authorization));
		expect([...authHeaders]).toEqual([`Key ${KEY}`]);
		for (const result of runs) {
			expect(visibleText(result, logged)).not.toContain(KEY);
			expect(visibleText(result, logged)).not.toContain(KEY.split(':')[1]);
		}
	});

	test('an answer that echoes the key reaches no segment, file, kept raw answer or error', async () => {
		const said = `My key is ${KEY}.`;
		const whole = JSON.stringify({ segments: [{ start: 0, end: 1, text: said }, { start: 1, end: 2, text: said }] });
		// Whole, cut off in the second segment (one kept), cut off in the first (none kept: an error).
		const answers = [whole, whole.slice(0, whole.lastIndexOf(KEY) + KEY.length), whole.slice(0, whole.indexOf(KEY) + KEY.length)];
		for (const output of answers) {
			emulator().respondWith(() => ({ output, usage: {} }));
			for (const options of [{ putOutputInFile: 'json' }, { putOutputInFile: 'md', invalidJson: 'keepRaw' }]) {
				const result = await runWorkflow({
					...triggerThen({ audioUrl: 'https://audio.example/a.mp3', transcriptOutput: 'segments', options }, [{}], { continueOnFail: true }),
					credentials: { falApi: { apiKey: KEY } },
				});
				const item = result.items(NODE_NAME)[0];
				const file = item.binary?.data ? (await result.binaryBuffer(item.binary.data)).toString('utf8') : '';
				expect(visibleText(result, logged) + file).not.toContain(KEY.split(':')[1]);
				expect(JSON.stringify(item.json)).toContain('***');
			}
		}
	});
});
