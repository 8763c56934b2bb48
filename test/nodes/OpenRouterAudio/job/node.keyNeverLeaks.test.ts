import { runWorkflow, type WorkflowRunResult } from '../../../harness/run';
import { NODE_NAME, triggerThen } from '../../../harness/workflow';
import type { RecordedRequest } from '../../../emulator/http';
import { FIXTURES, useFalEmulator } from '../useFalEmulator';

// Guarantee 7: whatever fal echoes back, the key is in no output item and in no string of an error:
// message, description, errorResponse, cause, context, stack.
const KEY = 'fal-key-77aa11bb:0f1e2d3c4b5a69788796a5b4';
const emulator = useFalEmulator({ apiKeys: [KEY] });

const auth = (req: RecordedRequest) => req.headers.authorization ?? 'none';
const echoes = {
	json: (req: RecordedRequest) => ({ detail: `bad request, you sent ${auth(req)}`, headers: { authorization: auth(req) } }),
	html: (req: RecordedRequest) => `<html><body><h1>Error</h1><pre>Authorization: ${auth(req)}</pre></body></html>`,
	text: (req: RecordedRequest) => `upstream said no to ${auth(req)}`,
};

/** Every string reachable from the run and its error, own non-enumerable ones (stack, cause) included. */
function everything(result: WorkflowRunResult): string {
	const seen = new WeakSet<object>();
	const replacer = (_key: string, value: unknown) => {
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[seen]';
			seen.add(value);
			if (value instanceof Error) {
				return Object.fromEntries(Object.getOwnPropertyNames(value).map((name) => [name, (value as unknown as Record<string, unknown>)[name]]));
			}
		}
		return value;
	};
	return JSON.stringify([result.run, result.error(NODE_NAME), result.items(NODE_NAME)], replacer);
}

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
	emulator().fault(rule);
	// A lost submit answer makes the node read fal's history, where the history rule applies.
	if (rule.route === 'history') emulator().fault({ route: 'submit', after: 'drop' });
	const binary = rule.route === 'initiate';
	const result = await runWorkflow({
		...(binary ? { binaryMode: 'filesystem' as const } : {}),
		...triggerThen({ ...(binary ? { audioSource: 'binary' } : { audioUrl: 'https://audio.example/a.mp3' }), options: { maxRetries: 0, timeout: 8 } }, [{}], {
			...(binary ? { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] } : {}),
		}),
		credentials: { falApi: { apiKey: KEY } },
	});
	const text = everything(result);
	// The fault did fire, and the node reported something.
	expect(emulator().requests.some((r) => r.headers.authorization === `Key ${KEY}`)).toBe(true);
	expect(text).not.toContain(KEY);
	expect(text).not.toContain(KEY.split(':')[1]);
}, 30_000);

test('a 403 from the storage upload URL says the upload was refused, not the key', async () => {
	emulator().fault({ route: 'upload', status: 403, text: '<Error><Code>AccessDenied</Code></Error>', contentType: 'application/xml' });
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
		credentials: { falApi: { apiKey: KEY } },
	});
	expect(result.error(NODE_NAME)?.message).toBe('fal storage refused the upload (HTTP 403 from v3b.fal.media) [item 0]');
	expect(result.error(NODE_NAME)?.description).toMatch(/not about the API key/);
	expect(emulator().requests.filter((r) => r.route === 'upload')).toHaveLength(1);
});
