// Builders for the common test workflow: Test Trigger -> (Test Binary ->) OpenRouter Audio.
import type { IConnections, INode, INodeCredentials, INodeParameters } from 'n8n-workflow';

import { packageName } from './loader';
import { TEST_BINARY_TYPE, TEST_TRIGGER_TYPE, type BinaryFileSpec } from './nodes';

/** Full type name n8n gives the product node (package name + description name). */
export const OPENROUTER_AUDIO_TYPE = `${packageName}.openRouterAudio`;
export const NODE_NAME = 'OpenRouter Audio';
export const TRIGGER_NAME = 'Trigger';
export const BINARY_NAME = 'Binary';
export const FAL_CREDENTIALS: INodeCredentials = { falApi: { id: '1', name: 'Fal' } };

export interface TriggerThenOptions {
	/** Put a Test Binary node between trigger and node that attaches these files. */
	binaryFiles?: BinaryFileSpec[];
	/** The UI's "On Error: Continue" — n8n 2.x stores it as `onError`, which this.continueOnFail() reads. */
	continueOnFail?: boolean;
	/** The node setting "Retry On Fail": n8n runs the node again, up to `maxTries` times in all. */
	retryOnFail?: { maxTries: number; waitBetweenTries?: number };
	/** Override the node under test (default: the product node). */
	nodeType?: string;
	nodeName?: string;
	typeVersion?: number;
	credentials?: INodeCredentials;
}

let nodeCounter = 0;
const node = (name: string, type: string, parameters: INodeParameters, x: number): INode => ({
	id: `node-${++nodeCounter}`,
	name,
	type,
	typeVersion: 1,
	position: [x, 0],
	parameters,
});

/** Connects each node's main output 0 to the next node's input 0. */
export function chain(nodes: INode[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Trigger (emitting `items` as JSON) -> optional Test Binary -> node under test with `nodeParameters`. */
export function triggerThen(
	nodeParameters: INodeParameters,
	items: object[] = [{}],
	options: TriggerThenOptions = {},
): { nodes: INode[]; connections: IConnections } {
	const nodes: INode[] = [node(TRIGGER_NAME, TEST_TRIGGER_TYPE, { items: JSON.stringify(items) }, 0)];
	if (options.binaryFiles) {
		nodes.push(node(BINARY_NAME, TEST_BINARY_TYPE, { files: JSON.stringify(options.binaryFiles) }, 200));
	}
	const target = node(options.nodeName ?? NODE_NAME, options.nodeType ?? OPENROUTER_AUDIO_TYPE, nodeParameters, 400);
	target.typeVersion = options.typeVersion ?? 1;
	target.credentials = options.credentials ?? FAL_CREDENTIALS;
	if (options.continueOnFail) target.onError = 'continueRegularOutput';
	if (options.retryOnFail) {
		target.retryOnFail = true;
		target.maxTries = options.retryOnFail.maxTries;
		target.waitBetweenTries = options.retryOnFail.waitBetweenTries ?? 0;
	}
	nodes.push(target);
	return { nodes, connections: chain(nodes) };
}
