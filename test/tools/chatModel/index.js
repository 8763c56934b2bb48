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
 * Both as one JSON body, or as server-sent `chat.completion.chunk` events when the request asks for
 * `stream: true` (then a usage chunk when `stream_options.include_usage`, then `data: [DONE]`).
 * Every request is recorded (path, headers, parsed body) for the test to read.
 */
const http = require('node:http');

/**
 * @typedef {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, body: any }} ChatRequest
 * @typedef {{
 *   toolName: string,
 *   toolArguments: Record<string, unknown>,
 *   finalAnswer?: (toolContent: string) => string,
 * }} ChatScript
 * @typedef {{
 *   url: string,
 *   requests: ChatRequest[],
 *   completions: () => ChatRequest[],
 *   close: () => Promise<void>,
 * }} ChatModelStub
 */

const USAGE = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

/**
 * What a model would say once it has the tool's result: the `output` of the first item when the
 * content is n8n's JSON list of the tool's items, else the content as it came.
 * @param {string} toolContent
 */
function quoteToolOutput(toolContent) {
	let quoted = toolContent;
	try {
		const parsed = JSON.parse(toolContent);
		const first = Array.isArray(parsed) ? parsed[0] : parsed;
		if (first && typeof first.output === 'string') quoted = first.output;
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
	const finalAnswer = script.finalAnswer ?? quoteToolOutput;
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
			requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
			if (req.method === 'POST' && path.endsWith('/chat/completions')) return complete(body, res);
			sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
		});
	});

	/**
	 * @param {any} body
	 * @param {import('node:http').ServerResponse} res
	 */
	function complete(body, res) {
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
			if (!tools.some((t) => t?.type === 'function' && t.function?.name === script.toolName)) {
				const offered = tools.map((t) => t?.function?.name).join(', ') || 'none';
				return sendJson(res, 400, {
					error: { message: `stub: tool ${script.toolName} not offered (tools: ${offered})`, type: 'invalid_request_error' },
				});
			}
			message = {
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						id: `call_stub_${calls}`,
						type: 'function',
						function: { name: script.toolName, arguments: JSON.stringify(script.toolArguments) },
					},
				],
			};
			finish = 'tool_calls';
		} else {
			message = { role: 'assistant', content: finalAnswer(toolContent) };
			finish = 'stop';
		}
		if (body?.stream === true) return stream(res, { id, model, message, finish, usage: body?.stream_options?.include_usage === true });
		sendJson(res, 200, {
			id,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model,
			choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
			usage: USAGE,
		});
	}

	await new Promise((/** @type {(v?: unknown) => void} */ resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		completions: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions')),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/**
 * The same answer as `chat.completion.chunk` server-sent events: the role, then the content or the
 * tool call (arguments in one delta), then the finish reason, an optional usage chunk, and [DONE].
 * @param {import('node:http').ServerResponse} res
 * @param {{ id: string, model: string, message: Record<string, any>, finish: string, usage: boolean }} a
 */
function stream(res, { id, model, message, finish, usage }) {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
	const created = Math.floor(Date.now() / 1000);
	const chunk = (/** @type {Record<string, unknown>} */ delta, /** @type {string | null} */ reason) =>
		res.write(
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: reason }] })}\n\n`,
		);
	chunk({ role: 'assistant', content: message.tool_calls ? null : '' }, null);
	if (message.tool_calls) {
		chunk({ tool_calls: message.tool_calls.map((/** @type {any} */ c, /** @type {number} */ index) => ({ index, ...c })) }, null);
	} else {
		chunk({ content: message.content }, null);
	}
	chunk({}, finish);
	if (usage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: USAGE })}\n\n`);
	res.end('data: [DONE]\n\n');
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

module.exports = { startChatModelStub, quoteToolOutput };
