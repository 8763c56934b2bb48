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
import { dirname, join } from 'node:path';
import { OpenRouterAudio } from '../../nodes/OpenRouterAudio/OpenRouterAudio.node';
import { expectOk, importCredential, importWorkflows, n8nCli, nodeItems, parseRunOutput, type RunData } from './n8n/cli';
import { audioFixture } from './n8n/fixtures';
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
	readFile,
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
const WF_BINARY = 'e2eAgentBinary01';

const audioPath = audioFixture('speech.wav');
const n8n = useN8n('agent', {
	// Read/Write Files may read the fixture folder (n8n 2.x restricts file access by default).
	extra: () => ({ N8N_RESTRICT_FILE_ACCESS_TO: dirname(audioPath) }),
	start: false,
});
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
	// the agent's input item carries the audio as binary `data`; the tool is set to read it from there
	const binaryAgent = aiAgent('Summarize the recording I attached.');
	await importWorkflows(env, [
		agentWorkflow(
			WF_BINARY,
			'E2E agent, tool reading binary',
			[manualTrigger(), readFile('Read Audio', audioPath), binaryAgent],
			binaryAgent,
			{
				model: openAiChatModel(CHAT_MODEL),
				tools: [
					openRouterAudioTool({
						operation: 'analyze',
						audioSource: 'binary',
						binaryPropertyName: 'data',
						task: 'custom',
						prompt: fromAI('Prompt', 'What to do with or ask about the audio'),
					}),
				],
			},
		),
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

interface AgentRun {
	run: RunData;
	text: string;
	/** fal jobs this run created, in submit order */
	jobs: any[];
	/** chat completions this run asked for */
	calls: any[];
}

/** Scripts the model to call the tool with `args`, runs the workflow (must succeed), returns what it left. */
async function runAgent(args: Record<string, unknown>, workflowId = WF_ID): Promise<AgentRun> {
	stub.setScript({ toolName: TOOL_NAME, toolArguments: args });
	const jobsBefore = n8n.emulator.jobs.size;
	const callsBefore = stub.completions().length;
	const result = await n8nCli(['execute', `--id=${workflowId}`, '--rawOutput'], n8n.env);
	const text = result.stdout + result.stderr;
	if (process.env.E2E_DEBUG) console.log(`n8n execute: exit ${result.code} in ${result.ms} ms\n${tail(text, 20000)}`);
	expectOk(result, 'execute the agent workflow');
	const run = parseRunOutput(result.stdout);
	expect(run).toBeDefined();
	return {
		run: run!,
		text,
		jobs: [...n8n.emulator.jobs.values()].slice(jobsBefore),
		calls: stub.completions().slice(callsBefore),
	};
}

/** The tool message of the model's second call, parsed: what the tool returned to the agent. */
function toolResult(calls: any[]): any {
	expect(calls).toHaveLength(2);
	const toolMessages = calls[1].body.messages.filter((m: any) => m.role === 'tool');
	expect(toolMessages).toHaveLength(1);
	// paired with the call the model made
	expect(toolMessages[0].tool_call_id).toBe(calls[0].answer.choices[0].message.tool_calls[0].id);
	return JSON.parse(toolMessages[0].content);
}

describe('the model fills in Audio URL and Prompt', () => {
	let ok: AgentRun;
	beforeAll(async () => {
		ok = await runAgent(TOOL_ARGS);
	});

	test('one fal job, with the URL and prompt the model chose; the agent answers with its output', () => {
		const { jobs, calls, run } = ok;
		expect(jobs).toHaveLength(1);
		const [job] = jobs;
		expect(job.input).toEqual(expect.objectContaining({ audio_url: TOOL_ARGS.Audio_URL, prompt: TOOL_ARGS.Prompt, model: AUDIO_MODEL }));
		expect(n8n.emulator.billed().filter((j: any) => jobs.includes(j))).toHaveLength(1);
		expect(n8n.emulator.leftRunning()).toHaveLength(0);
		expect(n8n.emulator.undelivered()).toHaveLength(0);
		const falAnswer: string = job.result.body.output;
		expect(falAnswer).toBe(`Echo from ${AUDIO_MODEL}: ${TOOL_ARGS.Prompt}`);

		// the model's second call carries the tool's output: the node's item JSON, as a JSON list
		expect(toolResult(calls)).toEqual([
			{ output: falAnswer, usage: job.result.body.usage, model: AUDIO_MODEL, requestId: job.requestId },
		]);
		// the assistant's tool call is echoed back before the result, as the Chat Completions API requires
		const assistant = calls[1].body.messages.find((m: any) => m.role === 'assistant');
		expect(assistant.tool_calls).toEqual([
			expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: TOOL_NAME }) }),
		]);
		// (n8n 2.41.1 echoes the call's id among the arguments: its own bookkeeping, harmless)
		expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual(expect.objectContaining(TOOL_ARGS));

		// the agent's final answer carries the tool's output
		const agentItems = nodeItems(run, 'AI Agent');
		expect(agentItems).toHaveLength(1);
		expect(agentItems[0].json.output).toBe(`The audio tool answered: ${falAnswer}`);
	});

	test('what n8n sends the model: non-streaming Chat Completions, the key as a Bearer token, never the fal key', () => {
		const [first] = ok.calls;
		expect(first.path).toBe('/v1/chat/completions');
		expect(first.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
		expect(first.body.model).toBe(CHAT_MODEL);
		expect(first.body.stream).toBe(false);
		expect(JSON.stringify(stub.requests)).not.toContain(FAL_KEY);
		expect(ok.text).not.toContain(FAL_KEY);
	});

	test("the model sees the tool as n8n describes it: the node's description, the $fromAI fields as required strings", () => {
		const tools = ok.calls[0].body.tools;
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
						Audio_URL: { type: 'string', description: 'The http(s) URL of the audio file' },
						Prompt: { type: 'string', description: 'What to do with or ask about the audio' },
					},
					required: ['Audio_URL', 'Prompt'],
				}),
			}),
		});
	});

	test("n8n records the tool's run under the agent: the model's arguments in, the node's item out", () => {
		const toolRuns = ok.run.data.resultData.runData['OpenRouter Audio'] as any[];
		expect(toolRuns).toHaveLength(1);
		const out = toolRuns[0].data?.ai_tool?.[0] ?? [];
		expect(out).toHaveLength(1);
		const [job] = ok.jobs;
		expect(out[0].json).toEqual(expect.objectContaining({ output: job.result.body.output, requestId: job.requestId }));
		expect(toolRuns[0].inputOverride?.ai_tool?.[0]?.[0]?.json).toEqual(expect.objectContaining(TOOL_ARGS));
	});
});

test("fal's result answer lost on the way: the tool fetches it again, still one job, and the agent gets it", async () => {
	const args = { Audio_URL: 'https://example.com/calls/tuesday.mp3', Prompt: 'List the decisions taken.' };
	const fault = n8n.emulator.fault({ route: 'result', after: 'drop', times: 1 });
	const { jobs, calls, run } = await runAgent(args);
	expect(fault.hits).toBe(1);
	expect(jobs).toHaveLength(1);
	expect(jobs[0].input).toEqual(expect.objectContaining({ audio_url: args.Audio_URL, prompt: args.Prompt }));
	expect(n8n.emulator.billed().filter((j: any) => jobs.includes(j))).toHaveLength(1);
	expect(jobs[0].deliveries).toBeGreaterThanOrEqual(1);
	expect(n8n.emulator.leftRunning()).toHaveLength(0);
	const output = `Echo from ${AUDIO_MODEL}: ${args.Prompt}`;
	expect(toolResult(calls)).toEqual([expect.objectContaining({ output, requestId: jobs[0].requestId })]);
	expect(nodeItems(run, 'AI Agent')[0].json.output).toBe(`The audio tool answered: ${output}`);
});

test('a URL the model made up that is not one: no job, and the agent is told which field to fix', async () => {
	const uploadsBefore = n8n.emulator.uploads.size;
	const submitsBefore = n8n.emulator.requests.filter((r: any) => r.route === 'submit').length;
	const args = { Audio_URL: 'monday-standup.mp3', Prompt: 'Summarize this call.' };
	const { jobs, calls, run } = await runAgent(args);
	// nothing sent, nothing paid
	expect(jobs).toHaveLength(0);
	expect(n8n.emulator.requests.filter((r: any) => r.route === 'submit').length).toBe(submitsBefore);
	expect(n8n.emulator.uploads.size).toBe(uploadsBefore);
	// n8n hands a failed tool's message (not its description) to the model and lets the agent go on
	const error = 'The "Audio URL" field is not a valid URL: "monday-standup.mp3" [item 0]';
	expect(toolResult(calls)).toEqual([{ error }]);
	expect(nodeItems(run, 'AI Agent')[0].json.output).toBe(`The audio tool answered: ${error}`);
});

test("binary audio on the agent's item does not reach the tool: a tool call carries JSON only, so no job", async () => {
	const uploadsBefore = n8n.emulator.uploads.size;
	const { jobs, calls, run } = await runAgent({ Prompt: 'Summarize this call.' }, WF_BINARY);
	// the audio was there, on the item the agent received
	expect(nodeItems(run, 'Read Audio')[0].binary?.data).toBeDefined();
	expect(jobs).toHaveLength(0);
	expect(n8n.emulator.uploads.size).toBe(uploadsBefore);
	const error = 'The input item has no binary property "data" (field "Input Binary Field") [item 0]';
	expect(toolResult(calls)).toEqual([{ error }]);
	expect(nodeItems(run, 'AI Agent')[0].json.output).toBe(`The audio tool answered: ${error}`);
});
