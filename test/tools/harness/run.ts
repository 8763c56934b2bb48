// Runs a workflow with n8n-core's real WorkflowExecute, the way n8n runs a manual execution,
// and returns the run with small accessors for node output.
import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	IBinaryData,
	ICredentialType,
	IConnections,
	INode,
	INodeExecutionData,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { initBinaryData, type BinaryMode } from './binaryData';
import { DEFAULT_TEST_CREDENTIALS, TestCredentialsHelper, type TestCredentials } from './credentials';
import { loadPackage, packageName } from './loader';
import { createNodeTypes, type NodeTypeMap, type TestNodeTypes } from './nodes';
import type { S3Server } from './s3';

export interface RunWorkflowOptions {
	nodes: INode[];
	connections: IConnections;
	/** Decrypted credentials by type. Default: `{ falApi: { apiKey: 'test-key' } }`. */
	credentials?: TestCredentials;
	/** n8n's binary data mode (see binaryData.ts): 'default' keeps base64 inline; the others give items an `id`. */
	binaryMode?: BinaryMode;
	/** The S3 server of binaryMode 's3' (useS3Server in s3.ts). */
	s3?: S3Server;
	/** Cancel the execution this long after it starts (fires the nodes' getExecutionCancelSignal()). */
	cancelAfterMs?: number;
	/** Called once the execution has started; `cancel()` stops it like the n8n UI's Stop button. */
	onStart?: (started: { cancel: () => void; executionId: string; workflow: Workflow }) => void;
	/** Extra node types by full type name (e.g. a throwaway node in a harness test). */
	nodeTypes?: NodeTypeMap;
	/** Extra credential types by name, for `authenticate` of credentials not in the package. */
	credentialTypes?: Record<string, ICredentialType>;
	settings?: IWorkflowSettings;
	/** Fail with a clear message if the run has not ended by then. Default 25 s (under jest's 30 s). */
	timeoutMs?: number;
}

export interface WorkflowRunResult {
	run: IRun;
	runData: IRunData;
	executionId: string;
	/** Output items of the node's first run, output 0 (`[]` if it produced none). */
	items(nodeName: string): INodeExecutionData[];
	/** The error recorded on the node's first run, if any. */
	error(nodeName: string): ExecutionError | undefined;
	/** Bytes of a binary entry, through the same BinaryDataService the run used. */
	binaryBuffer(binary: IBinaryData): Promise<Buffer>;
	credentialsHelper: TestCredentialsHelper;
	nodeTypes: TestNodeTypes;
}

let executionCounter = 0;

// Any valid absolute URL will do; n8n-core builds resume/form/webhook URLs from these and throws on
// `Invalid URL` when one is missing.
const BASE = 'http://localhost:5678';
const URLS = {
	restApiUrl: `${BASE}/rest`,
	instanceBaseUrl: `${BASE}/`,
	webhookBaseUrl: `${BASE}/webhook`,
	webhookWaitingBaseUrl: `${BASE}/webhook-waiting`,
	webhookTestBaseUrl: `${BASE}/webhook-test`,
	formBaseUrl: `${BASE}/form`,
	formWaitingBaseUrl: `${BASE}/form-waiting`,
	formTestBaseUrl: `${BASE}/form-test`,
	mcpBaseUrl: `${BASE}/mcp`,
	mcpTestBaseUrl: `${BASE}/mcp-test`,
};

const unsupported = (what: string) => async (): Promise<never> => {
	throw new Error(`${what} is not supported by the test harness`);
};

// n8n-workflow 2.x no longer exports createDeferredPromise.
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
	return { promise, resolve, reject };
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	// Fresh DI container per run: no BinaryDataService mode or other state leaks between tests.
	Container.reset();
	// n8n-core's per-container services (e.g. SSHClientsManager) hook process 'exit'; a real n8n has one
	// container, the tests have one per run, so the hooks of a finished run are removed with it.
	const exitListeners = new Set(process.listeners('exit'));
	await initBinaryData(options.binaryMode ?? 'default', options.s3);

	// Only load dist/ when the workflow uses the package, so the harness works before it is built.
	const usesPackage = options.nodes.some((node) => node.type.startsWith(`${packageName}.`));
	const pkg = usesPackage ? await loadPackage() : undefined;
	const nodeTypes = createNodeTypes(pkg?.nodes ?? {}, options.nodeTypes ?? {});
	const credentialsHelper = new TestCredentialsHelper(options.credentials ?? DEFAULT_TEST_CREDENTIALS, {
		...(pkg?.credentials ?? {}),
		...(options.credentialTypes ?? {}),
	});

	const executionId = String(++executionCounter);
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: options.nodes,
		connections: options.connections,
		active: false,
		nodeTypes,
		settings,
	});
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: options.nodes,
		connections: options.connections,
		settings,
	};

	// n8n reports the end of an execution (including a cancelled one) through this hook.
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const finished = deferred<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));

	const additionalData: IWorkflowExecuteAdditionalData = {
		...URLS,
		hooks,
		credentialsHelper,
		executionId,
		workflowId: workflow.id,
		variables: {},
		// No secret providers: `$secrets` resolves to nothing, as on an instance without any.
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		executeWorkflow: unsupported('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('startRunnerTask'),
	};

	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('runWorkflow: the workflow has no trigger node to start from');
	const execution = new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode });
	const cancel = () => execution.cancel();
	// Cancellation makes the promise resolve later instead of rejecting; keep errors visible anyway.
	const settled = execution.then(
		() => undefined,
		(error: unknown) => finished.reject(error as Error),
	);

	options.onStart?.({ cancel, executionId, workflow });
	const cancelTimer = options.cancelAfterMs !== undefined ? setTimeout(cancel, options.cancelAfterMs) : undefined;
	const timeoutMs = options.timeoutMs ?? 25_000;
	let timeoutTimer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timeoutTimer = setTimeout(() => reject(new Error(`runWorkflow: no end after ${timeoutMs} ms`)), timeoutMs);
	});

	try {
		// The hook's IRun is what n8n saves as the execution (status 'canceled' after a cancel).
		const run = await Promise.race([finished.promise, timeout]);
		// After a cancel, also wait for the engine loop to wind down so no node outlives the test.
		// The loop keeps writing into the same runData, so `runData` below is complete when we return.
		await Promise.race([settled, timeout]);
		const runData = run.data.resultData.runData;
		return {
			run,
			runData,
			executionId,
			items: (nodeName) => runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
			error: (nodeName) => runData[nodeName]?.[0]?.error,
			binaryBuffer: async (binary) => await Container.get(BinaryDataService).getAsBuffer(binary),
			credentialsHelper,
			nodeTypes,
		};
	} finally {
		clearTimeout(cancelTimer);
		clearTimeout(timeoutTimer);
		for (const listener of process.listeners('exit')) {
			if (!exitListeners.has(listener)) process.removeListener('exit', listener);
		}
	}
}
