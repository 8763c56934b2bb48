/**
 * The packed package as a tool of n8n's AI Agent, in a real n8n 2.41.1: Manual Trigger -> AI Agent
 * (Tools Agent v3.1) with n8n's OpenAI Chat Model, whose credential's Base URL is a scripted
 * OpenAI-compatible stub on 127.0.0.1 (test/tools/chatModel), and OpenRouter Audio attached as the
 * agent's tool (`openRouterAudioTool`, the variant n8n makes of a `usableAsTool` node) with Audio URL and
 * Prompt left to the model (`$fromAI`). The stub's first answer calls the tool, its second quotes what
 * the tool returned. fal is the in-process emulator; `n8n execute` runs the workflow.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenRouterAudio } from '../../nodes/OpenRouterAudio/OpenRouterAudio.node';
import { expectOk, importCredential, importWorkflows, n8nCli, nodeItems, parseRunOutput, type RunData } from './n8n/cli';
import { tail } from './n8n/process';
import { useN8n } from './setup';
import {
	CREDENTIAL,
	OPENAI_CREDENTIAL,
	agentWorkflow,
	aiAgent,
	fromAI,
	manualTrigger,
	openAiChatModel,
	openRouterAudioTool,
} from './workflows';

const { startChatModelStub } = require('../tools/chatModel');

const FAL_KEY = 'test-key';
const OPENAI_KEY = 'sk-e2e-stub-not-a-real-key';
const CHAT_MODEL = 'gpt-4o-mini';
const AUDIO_MODEL = 'google/gemini-3-flash-preview';
/** The tool's name as the model sees it: the node's name, n8n's nodeNameToToolName. */
const TOOL_NAME = 'OpenRouter_Audio';
/** What the stub's model "decides" to pass: the $fromAI keys the editor makes of the fields' names. */
const TOOL_ARGS = { Audio_URL: 'https://example.com/calls/monday-standup.mp3', Prompt: 'Summarize this call in two sentences.' };
const WF_ID = 'e2eAgentTool0001';

const n8n = useN8n('agent', { start: false });
let stub: any;

/** `n8n import:credentials` of an OpenAI credential pointing at the stub (the harness imports only Fal API ones). */
async function importOpenAiCredential(env: NodeJS.ProcessEnv, baseUrl: string): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-import-openai-'));
	try {
		const file = join(dir, 'credentials.json');
		const data = { apiKey: OPENAI_KEY, url: `${baseUrl}/v1`, header: false };
		writeFileSync(file, JSON.stringify([{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data }]), { mode: 0o600 });
		expectOk(await n8nCli(['import:credentials', `--input=${file}`], env), 'import OpenAI credential');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

beforeAll(async () => {
	stub = await startChatModelStub({ toolName: TOOL_NAME, toolArguments: TOOL_ARGS });
	const { env } = n8n;
	await importCredential(env, { ...CREDENTIAL, apiKey: FAL_KEY });
	await importOpenAiCredential(env, stub.url);
	const agent = aiAgent(`Summarize the call recorded at ${TOOL_ARGS.Audio_URL}.`);
	await importWorkflows(env, [
		agentWorkflow(
			WF_ID,
			'E2E agent with the audio tool',
			[manualTrigger(), agent],
			agent,
			{
				model: openAiChatModel(CHAT_MODEL),
				tools: [
					openRouterAudioTool({
						operation: 'analyze',
						audioSource: 'url',
						audioUrl: fromAI('Audio_URL', 'The http(s) URL of the audio file'),
						task: 'custom',
						prompt: fromAI('Prompt', 'What to do with or ask about the audio'),
						model: { __rl: true, mode: 'id', value: AUDIO_MODEL },
					}),
				],
			},
		),
	]);
});

afterAll(async () => {
	await stub?.close();
});

let run: RunData;
let text: string;

test('the agent calls OpenRouter Audio once and answers with what it returned', async () => {
	const result = await n8nCli(['execute', `--id=${WF_ID}`, '--rawOutput'], n8n.env);
	text = result.stdout + result.stderr;
	if (process.env.E2E_DEBUG) console.log(`n8n execute: exit ${result.code} in ${result.ms} ms\n${tail(text, 20000)}`);
	expectOk(result, 'execute the agent workflow');
	run = parseRunOutput(result.stdout)!;
	expect(run).toBeDefined();

	// fal: exactly one job, with the URL and prompt the model filled in
	const jobs = [...n8n.emulator.jobs.values()];
	expect(jobs).toHaveLength(1);
	const [job] = jobs;
	expect(job.input).toEqual(expect.objectContaining({ audio_url: TOOL_ARGS.Audio_URL, prompt: TOOL_ARGS.Prompt, model: AUDIO_MODEL }));
	expect(n8n.emulator.billed()).toHaveLength(1);
	expect(n8n.emulator.leftRunning()).toHaveLength(0);
	expect(n8n.emulator.undelivered()).toHaveLength(0);
	const falAnswer: string = job.result.body.output;
	expect(falAnswer).toBe(`Echo from ${AUDIO_MODEL}: ${TOOL_ARGS.Prompt}`);

	// the chat model: asked twice, the second time with the tool's output as the tool call's result
	const calls = stub.completions();
	expect(calls).toHaveLength(2);
	const firstCall = calls[0].body;
	const toolCallId = 'call_stub_1';
	const toolMessages = calls[1].body.messages.filter((m: any) => m.role === 'tool');
	expect(toolMessages).toHaveLength(1);
	expect(toolMessages[0].tool_call_id).toBe(toolCallId);
	const toolOutput = JSON.parse(toolMessages[0].content);
	expect(toolOutput).toEqual([
		expect.objectContaining({ output: falAnswer, model: AUDIO_MODEL, requestId: job.requestId, usage: job.result.body.usage }),
	]);
	// the assistant's tool call is echoed back before the result, as the Chat Completions API requires
	const assistant = calls[1].body.messages.find((m: any) => m.role === 'assistant');
	expect(assistant.tool_calls).toEqual([
		expect.objectContaining({ id: toolCallId, type: 'function', function: expect.objectContaining({ name: TOOL_NAME }) }),
	]);
	// (n8n 2.41.1 echoes the call's id among the arguments: its own bookkeeping, harmless)
	expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(expect.objectContaining(TOOL_ARGS));

	// the agent's final answer carries the tool's output
	const agentItems = nodeItems(run, 'AI Agent');
	expect(agentItems).toHaveLength(1);
	expect(agentItems[0].json.output).toBe(`The audio tool answered: ${falAnswer}`);

	// what the agent sent: non-streaming Chat Completions, the key as a Bearer token, the tool offered
	expect(calls[0].path).toBe('/v1/chat/completions');
	expect(calls[0].headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
	expect(firstCall.model).toBe(CHAT_MODEL);
	expect(firstCall.stream).not.toBe(true);
	// the fal key never reaches the model
	expect(JSON.stringify(stub.requests)).not.toContain(FAL_KEY);
});

test("the model sees the tool as n8n describes it: the node's description, the $fromAI fields as required strings", () => {
	expect(run).toBeDefined();
	const [firstCall] = stub.completions();
	const tools = firstCall.body.tools;
	expect(tools).toHaveLength(1);
	expect(tools[0]).toEqual({
		type: 'function',
		function: expect.objectContaining({
			name: TOOL_NAME,
			// "Set Automatically": n8n names the operation's action only for nodes with a Resource field;
			// this node has none, so the model reads the node's own description, whatever the operation
			description: new OpenRouterAudio().description.description,
			parameters: expect.objectContaining({
				type: 'object',
				properties: {
					Audio_URL: expect.objectContaining({ type: 'string', description: 'The http(s) URL of the audio file' }),
					Prompt: expect.objectContaining({ type: 'string', description: 'What to do with or ask about the audio' }),
				},
				required: ['Audio_URL', 'Prompt'],
			}),
		}),
	});
});

test("n8n records the tool's run under the agent: the model's arguments in, the node's item out", () => {
	expect(run).toBeDefined();
	const toolRuns = run.data.resultData.runData['OpenRouter Audio'] as any[];
	expect(toolRuns).toHaveLength(1);
	const out = toolRuns[0].data?.ai_tool?.[0] ?? [];
	expect(out).toHaveLength(1);
	const job = [...n8n.emulator.jobs.values()][0];
	expect(out[0].json).toEqual(expect.objectContaining({ output: job.result.body.output, requestId: job.requestId }));
	expect(toolRuns[0].inputOverride?.ai_tool?.[0]?.[0]?.json).toEqual(expect.objectContaining(TOOL_ARGS));
	expect(text).not.toContain(FAL_KEY);
});
