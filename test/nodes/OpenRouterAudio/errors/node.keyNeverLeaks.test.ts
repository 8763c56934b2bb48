import type { RecordedRequest } from '../../../tools/emulator';
import { FIXTURES, NODE_NAME, runWorkflow, triggerThen, useFalEmulator, useLoggedLines, visibleText } from '../../../tools/harness';

const KEY = 'fal-key-5b1f0c9e:9d8c7b6a5f4e3d2c1b0a';
const emulator = useFalEmulator({ apiKeys: [KEY] });

describe('the API key', () => {
	const logs = useLoggedLines();

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
			['output', 'usage', 'usageNote', 'model', 'requestId', 'audioExpiresAt'],
			['error'],
		]);
		for (const result of runs) expect(visibleText(result, logs())).not.toContain(KEY);
		// The key is also not recoverable from a fragment, e.g. its secret half.
		for (const result of runs) expect(visibleText(result, logs())).not.toContain(KEY.split(':')[1]);
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
			expect(visibleText(result, logs())).not.toContain(KEY);
			expect(visibleText(result, logs())).not.toContain(KEY.split(':')[1]);
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
				expect(visibleText(result, logs()) + file).not.toContain(KEY.split(':')[1]);
				expect(JSON.stringify(item.json)).toContain('***');
			}
		}
	});
});

// Whatever fal echoes back (the Authorization header it got), the key is in no output item and in no string of an
// error: message, description, errorResponse, cause, context, stack.
const auth = (req: RecordedRequest) => req.headers.authorization ?? 'none';
const echoes = {
	json: (req: RecordedRequest) => ({ detail: `bad request, you sent ${auth(req)}`, headers: { authorization: auth(req) } }),
	html: (req: RecordedRequest) => `<html><body><h1>Error</h1><pre>Authorization: ${auth(req)}</pre></body></html>`,
	text: (req: RecordedRequest) => `upstream said no to ${auth(req)}`,
};

type Rule = Parameters<ReturnType<typeof emulator>['fault']>[0];
const cases: Array<[string, Rule]> = [
	['submit 422 JSON', { route: 'submit', status: 422, body: echoes.json }],
	['submit 401 HTML', { route: 'submit', status: 401, text: echoes.html }],
	['submit 400 plain text', { route: 'submit', status: 400, text: echoes.text, contentType: 'text/plain' }],
	['submit 500 JSON after the job was made', { route: 'submit', after: 'replace', status: 500, body: echoes.json }],
	['submit 200 non-JSON', { route: 'submit', status: 200, text: echoes.html }],
	['status stream 500 HTML, status 500 JSON', { route: ['stream', 'status'], status: 500, body: echoes.json, times: Infinity }],
	['status 404 plain text', { route: ['stream', 'status'], status: 404, text: echoes.text, contentType: 'text/plain', times: Infinity }],
	['result 500 JSON', { route: 'result', status: 500, body: echoes.json, times: Infinity }],
	['result 200 HTML', { route: 'result', status: 200, text: echoes.html, times: Infinity }],
	['result 200 JSON echo', { route: 'result', status: 200, body: (req: RecordedRequest) => ({ output: `you are ${auth(req)}`, usage: {} }), times: Infinity }],
	['result 200 broken JSON', { route: 'result', status: 200, text: (req: RecordedRequest) => `{"output":"${auth(req)}`, contentType: 'application/json', times: Infinity }],
	['history 403 JSON', { route: 'history', status: 403, body: echoes.json, times: Infinity }],
	['storage initiate 403 JSON', { route: 'initiate', status: 403, body: echoes.json }],
];

test.each(cases)('%s: the key is nowhere in the output or the error', async (_name, rule) => {
	const fault = emulator().fault(rule);
	// A lost submit answer makes the node read fal's history, where the history rule applies.
	if (rule.route === 'history') emulator().fault({ route: 'submit', after: 'drop' });
	const binary = rule.route === 'initiate';
	const result = await runWorkflow({
		...(binary ? { binaryMode: 'filesystem' as const } : {}),
		...triggerThen({ ...(binary ? { audioSource: 'binary' } : { audioUrl: 'https://audio.example/a.mp3' }), options: { maxRetries: 0, timeout: 3 } }, [{}], {
			...(binary ? { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] } : {}),
		}),
		credentials: { falApi: { apiKey: KEY } },
	});
	const text = visibleText(result);
	// The fault did fire, on a request that carried the key.
	expect(fault.hits).toBeGreaterThan(0);
	expect(emulator().requests.some((r) => r.headers.authorization === `Key ${KEY}`)).toBe(true);
	expect(text).not.toContain(KEY);
	expect(text).not.toContain(KEY.split(':')[1]);
}, 30_000);
