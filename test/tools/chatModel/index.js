// @ts-check
'use strict';
/**
 * A scripted OpenAI-compatible chat model on 127.0.0.1, for n8n's OpenAI Chat Model node (credential
 * Base URL `<url>/v1`) driving n8n's AI Agent in the e2e suite (README.md beside this file).
 *
 * `POST /v1/chat/completions`, the OpenAI Chat Completions shape
 * (https://platform.openai.com/docs/api-reference/chat/create), one script for a tool-using agent:
 * - no `role: "tool"` message yet: answer with ONE tool call to `toolName` with `toolArguments`
 *   (`finish_reason: "tool_calls"`, `message.tool_calls[].function.arguments` a JSON string);
 * - once a tool result came back: answer with `finalAnswer(toolContent)`, which quotes it
 *   (`finish_reason: "stop"`).
 * One JSON body per answer: n8n 2.41.1's agent asks with `stream: false` unless a Chat Trigger streams
 * its answer (measured), so a `stream: true` request is refused with 400 rather than answered in a
 * shape no test has checked. Every request is recorded (path, headers, parsed body) for the test to read;
 * `setScript` changes what the next calls get.
 */
const http = require('node:http');

/**
 * @typedef {{
 *   method: string, path: string, headers: import('node:http').IncomingHttpHeaders, body: any,
 *   status?: number, answer?: any,
 * }} ChatRequest
 *   One request as received (body parsed), and the status and JSON the stub answered it with.
 * @typedef {{
 *   toolName: string,
 *   toolArguments: Record<string, unknown>,
 *   finalAnswer?: (toolContent: string) => string,
 * }} ChatScript
 * @typedef {{
 *   url: string,
 *   requests: ChatRequest[],
 *   completions: () => ChatRequest[],
 *   setScript: (next: ChatScript) => void,
 *   close: () => Promise<void>,
 * }} ChatModelStub
 */

const USAGE = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

/**
 * What a model would say once it has the tool's result: the `output` (or the `error`) of the first
 * item when the content is n8n's JSON list of the tool's items, else the content as it came.
 * @param {string} toolContent
 */
function quoteToolOutput(toolContent) {
	let quoted = toolContent;
	try {
		const parsed = JSON.parse(toolContent);
		const first = Array.isArray(parsed) ? parsed[0] : parsed;
		const said = first?.output ?? first?.error;
		if (typeof said === 'string') quoted = said;
	} catch {
		/* not JSON: quote it whole */
	}
	return `The audio tool answered: ${quoted}`;
}

/** The content of the last tool message, or undefined when no tool has answered yet. */
function lastToolContent(/** @type {any[]} */ messages) {
	const tool = [...messages].reverse().find((m) => m?.role === 'tool');
	if (!tool) return undefined;
	// content is a string, or a list of text parts
	return typeof tool.content === 'string' ? tool.content : (tool.content ?? []).map((/** @type {any} */ p) => p?.text ?? '').join('');
}

/**
 * @param {ChatScript} script
 * @returns {Promise<ChatModelStub>}
 */
async function startChatModelStub(script) {
	let current = script;
	/** @type {ChatRequest[]} */
	const requests = [];
	let calls = 0;

	const server = http.createServer((req, res) => {
		const chunks = /** @type {Buffer[]} */ ([]);
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let body;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				body = text;
			}
			const path = (req.url ?? '/').split('?')[0];
			/** @type {ChatRequest} */
			const record = { method: req.method ?? 'GET', path, headers: req.headers, body };
			requests.push(record);
			const [status, answer] =
				req.method === 'POST' && path.endsWith('/chat/completions')
					? complete(body)
					: [404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } }];
			record.status = status;
			record.answer = answer;
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(answer));
		});
	});

	/**
	 * @param {any} body
	 * @returns {[number, unknown]} the status and JSON body of the answer
	 */
	function complete(body) {
		if (body?.stream === true) {
			return [400, { error: { message: 'stub: streaming is not scripted', type: 'invalid_request_error' } }];
		}
		const messages = Array.isArray(body?.messages) ? body.messages : [];
		/** @type {any[]} */
		const tools = Array.isArray(body?.tools) ? body.tools : [];
		const toolContent = lastToolContent(messages);
		calls += 1;
		const id = `chatcmpl-stub-${calls}`;
		const model = body?.model ?? 'stub-model';
		/** @type {Record<string, unknown>} */
		let message;
		let finish;
		if (toolContent === undefined) {
			// The model must be offered the tool: a request without it is the agent's bug, answered as OpenAI would.
			if (!tools.some((t) => t?.type === 'function' && t.function?.name === current.toolName)) {
				const offered = tools.map((t) => t?.function?.name).join(', ') || 'none';
				return [400, { error: { message: `stub: tool ${current.toolName} not offered (tools: ${offered})`, type: 'invalid_request_error' } }];
			}
			message = {
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						id: `call_stub_${calls}`,
						type: 'function',
						function: { name: current.toolName, arguments: JSON.stringify(current.toolArguments) },
					},
				],
			};
			finish = 'tool_calls';
		} else {
			message = { role: 'assistant', content: (current.finalAnswer ?? quoteToolOutput)(toolContent) };
			finish = 'stop';
		}
		const created = Math.floor(Date.now() / 1000);
		return [200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage: USAGE }];
	}

	await new Promise((/** @type {(v?: unknown) => void} */ resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		completions: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions')),
		setScript: (next) => {
			current = next;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startChatModelStub, quoteToolOutput };
