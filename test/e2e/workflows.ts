/** Workflow JSON for the e2e scenarios, in the shape `n8n import:workflow` and the REST API accept. */
import { NODE_TYPE, TRIGGER_TYPE } from './n8n/fixtures';

export const CREDENTIAL = { id: 'e2eFalCredential', name: 'Fal E2E' };
export const BAD_CREDENTIAL = { id: 'e2eFalBadCreden', name: 'Fal E2E bad key' };

export interface WfNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	continueOnFail?: boolean;
	onError?: string;
	webhookId?: string;
}

let counter = 0;
function nodeId(): string {
	counter += 1;
	return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WfNode> = {},
): WfNode {
	return { id: nodeId(), name, type, typeVersion, position: [counter * 220, 300], parameters, ...extra };
}

/** A linear chain: each node's main output 0 goes to the next one. */
export function workflow(id: string, name: string, nodes: WfNode[], active = false): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, active, settings: { executionOrder: 'v1' }, pinData: {} };
}

export function manualTrigger(): WfNode {
	return node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, {});
}

/** Several items from a Code node, e.g. several URLs. */
export function codeItems(name: string, items: Record<string, unknown>[]): WfNode {
	return node(name, 'n8n-nodes-base.code', 2, {
		jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};`,
	});
}

export function openRouterAudio(
	parameters: Record<string, unknown>,
	credential: { id: string; name: string } = CREDENTIAL,
	extra: Partial<WfNode> = {},
): WfNode {
	return node('OpenRouter Audio', NODE_TYPE, 1, parameters, { credentials: { falApi: credential }, ...extra });
}

/** The package's OpenRouter Audio Trigger; its production URL is `<n8n>/webhook/<webhookId>/openrouter-audio`. */
export function openRouterAudioTrigger(
	parameters: Record<string, unknown>,
	credential: { id: string; name: string },
	webhookId: string,
): WfNode {
	return node('OpenRouter Audio Trigger', TRIGGER_TYPE, 1, parameters, { credentials: { falApi: credential }, webhookId });
}

export function readFile(name: string, fileSelector: string): WfNode {
	return node(name, 'n8n-nodes-base.readWriteFile', 1, {
		operation: 'read',
		fileSelector,
		options: {},
	});
}

export function writeFile(name: string, fileName: string, dataPropertyName = 'data'): WfNode {
	return node(name, 'n8n-nodes-base.readWriteFile', 1, {
		operation: 'write',
		fileName,
		dataPropertyName,
		options: {},
	});
}

/** Convert to File: the `output` text of each item as a UTF-8 text file in binary `data`. */
export function textToFile(name: string, fileNameExpr: string): WfNode {
	return node(name, 'n8n-nodes-base.convertToFile', 1.1, {
		operation: 'toText',
		sourceProperty: 'output',
		binaryPropertyName: 'data',
		options: { fileName: fileNameExpr },
	});
}

export function webhook(path: string, responseMode: 'responseNode' | 'lastNode' | 'onReceived' = 'responseNode'): WfNode {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ webhookId: `e2e-${path}` },
	);
}

export function respondToWebhook(): WfNode {
	return node('Respond to Webhook', 'n8n-nodes-base.respondToWebhook', 1.1, {
		respondWith: 'firstIncomingItem',
		options: {},
	});
}

export function localFileTrigger(folder: string): WfNode {
	return node('Local File Trigger', 'n8n-nodes-base.localFileTrigger', 1, {
		triggerOn: 'folder',
		path: folder,
		events: ['add'],
		options: { awaitWriteFinish: true, ignored: '**/*.txt' },
	});
}

/** An OpenAI credential whose Base URL is the local chat model stub (test/tools/chatModel). */
export const OPENAI_CREDENTIAL = { id: 'e2eOpenAiStub001', name: 'OpenAI E2E stub' };

/** n8n's AI Agent (v3.1, Tools Agent) with a fixed user message. */
export function aiAgent(text: string, options: Record<string, unknown> = {}): WfNode {
	return node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3.1, { promptType: 'define', text, options });
}

/**
 * n8n's OpenAI Chat Model on the Chat Completions API (`responsesApiEnabled: false`; v1.3 defaults to
 * the Responses API, which OpenAI-compatible servers rarely speak).
 */
export function openAiChatModel(model: string, credential = OPENAI_CREDENTIAL): WfNode {
	return node(
		'OpenAI Chat Model',
		'@n8n/n8n-nodes-langchain.lmChatOpenAi',
		1.3,
		{ model: { __rl: true, mode: 'id', value: model }, responsesApiEnabled: false, options: {} },
		{ credentials: { openAiApi: credential } },
	);
}

/** The tool variant n8n makes of a `usableAsTool` node: `<type>Tool`, output ai_tool, no main input. */
export function openRouterAudioTool(
	parameters: Record<string, unknown>,
	credential: { id: string; name: string } = CREDENTIAL,
): WfNode {
	return node('OpenRouter Audio', `${NODE_TYPE}Tool`, 1, parameters, { credentials: { falApi: credential } });
}

/** What the editor writes when a field's "Let the model define this parameter" button is on. */
export function fromAI(key: string, description = '', type = 'string'): string {
	return `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', \`${description}\`, '${type}') }}`;
}

/** `main` chained as workflow() does, plus a chat model and tools attached to `agent` (one of `main`). */
export function agentWorkflow(
	id: string,
	name: string,
	main: WfNode[],
	agent: WfNode,
	sub: { model: WfNode; tools: WfNode[] },
): Record<string, unknown> {
	const wf = workflow(id, name, [...main]);
	const connections = wf.connections as Record<string, unknown>;
	const attach = (from: WfNode, type: string) => {
		connections[from.name] = { [type]: [[{ node: agent.name, type, index: 0 }]] };
	};
	attach(sub.model, 'ai_languageModel');
	for (const tool of sub.tools) attach(tool, 'ai_tool');
	return { ...wf, nodes: [...main, sub.model, ...sub.tools] };
}
