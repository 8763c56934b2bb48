// An OpenRouter Audio Trigger served over HTTP the way n8n serves a production webhook: each request gets
// n8n-core's real WebhookContext on a Workflow built from the static data saved after the last request (n8n
// loads the workflow from its database per request and saves the static data once the webhook answered),
// with the request's raw body, headers and query, and the node's answer written back. Each `workflowData` a
// call returns is recorded as one started execution.
import { Container } from '@n8n/di';
import { WebhookContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, IWebhookData, IWebhookDescription, IWorkflowExecuteAdditionalData, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_TEST_CREDENTIALS, TestCredentialsHelper, type TestCredentials } from './credentials';
import { loadPackage, packageName } from './loader';
import { createNodeTypes } from './nodes';
import { FAL_CREDENTIALS } from './workflow';

export const OPENROUTER_AUDIO_TRIGGER_TYPE = `${packageName}.openRouterAudioTrigger`;

export interface TriggerServer {
	/** The trigger's production URL. */
	url: string;
	/** Items of each execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	/** Every request's answer status and body, in order. */
	statuses: number[];
	bodies: string[];
	staticData: IDataObject;
	close: () => Promise<void>;
}

let serverCounter = 0;

export async function startTriggerServer(options: { parameters?: IDataObject; credentials?: TestCredentials } = {}): Promise<TriggerServer> {
	Container.reset();
	const pkg = await loadPackage();
	const nodeTypes = createNodeTypes(pkg.nodes, {});
	const credentialsHelper = new TestCredentialsHelper(options.credentials ?? DEFAULT_TEST_CREDENTIALS, pkg.credentials);
	const type = pkg.nodes[OPENROUTER_AUDIO_TRIGGER_TYPE] as INodeType;
	const description = type.description.webhooks![0] as IWebhookDescription;
	const node: INode = {
		id: 'trigger-node',
		name: 'OpenRouter Audio Trigger',
		type: OPENROUTER_AUDIO_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: FAL_CREDENTIALS,
		webhookId: 'c0ffee00-0000-4000-8000-000000000001',
	};
	const path = `/webhook/${node.webhookId}/${String(description.path)}`;
	const state: TriggerServer = { url: '', executions: [], statuses: [], bodies: [], staticData: {}, close: async () => {} };
	const workflowId = `trigger-workflow-${++serverCounter}`;

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (req.method !== 'POST' || url.pathname !== path) return void res.writeHead(404).end();
		let status = 200;
		let text = '';
		// Just enough of express's request and response for a webhook node.
		const request = {
			headers: req.headers,
			rawBody: Buffer.concat(chunks),
			query: Object.fromEntries(url.searchParams),
			params: {},
			body: {},
			header: (name: string) => req.headers[name.toLowerCase()],
		};
		const response = {
			status(code: number) {
				status = code;
				return response;
			},
			send(body: string) {
				text = body;
				return response;
			},
			end() {
				return response;
			},
		};
		const workflow = new Workflow({
			id: workflowId,
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(JSON.stringify(state.staticData)) as IDataObject,
		});
		const additionalData = {
			credentialsHelper,
			httpRequest: request,
			httpResponse: response,
			webhookBaseUrl: 'http://localhost/webhook',
			webhookTestBaseUrl: 'http://localhost/webhook-test',
			webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
			restApiUrl: 'http://localhost/rest',
			instanceBaseUrl: 'http://localhost/',
			formWaitingBaseUrl: 'http://localhost/form-waiting',
			variables: {},
			executionId: undefined,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData: IWebhookData = { httpMethod: 'POST', node: node.name, path, webhookDescription: description, workflowId, workflowExecuteAdditionalData: additionalData };
		const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
		const result = await type.webhook!.call(context);
		if (result.workflowData) state.executions.push(result.workflowData[0]);
		if (!result.noWebhookResponse) text = typeof result.webhookResponse === 'string' ? result.webhookResponse : 'Workflow was started';
		state.staticData = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		state.statuses.push(status);
		state.bodies.push(text);
		res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			state.statuses.push(500);
			res.writeHead(500).end(String((error as Error).message));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
	state.close = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	return state;
}
