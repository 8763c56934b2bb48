// Test-only node types and the INodeTypes registry WorkflowExecute resolves node types through.
// The trigger and binary nodes avoid depending on n8n-nodes-base while still using n8n-core's real
// trigger path (manualTriggerFunction + emit) and real BinaryDataService (prepareBinaryData).
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	ITriggerFunctions,
	ITriggerResponse,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/** Type names used in workflows; prefixed like n8n types so nothing treats them as core nodes. */
export const TEST_TRIGGER_TYPE = 'n8n-nodes-harness.testTrigger';
export const TEST_BINARY_TYPE = 'n8n-nodes-harness.testBinary';

/** A file for TestBinary to attach; `itemIndex` limits it to one input item (default: every item). */
export interface BinaryFileSpec {
	path: string;
	property?: string; // default 'data'
	fileName?: string; // default basename(path)
	mimeType?: string; // default: n8n-core guesses from the file name
	itemIndex?: number;
}

// 'json' parameters arrive as a string when given as text, or as the value itself.
function jsonParam<T>(value: unknown, fallback: T): T {
	if (value === undefined || value === '') return fallback;
	return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function base(name: string, displayName: string): Pick<INodeTypeDescription, 'name' | 'displayName' | 'version' | 'description' | 'defaults' | 'outputs'> {
	return { name, displayName, version: 1, description: `Test harness: ${displayName}`, defaults: { name: displayName }, outputs: ['main'] };
}

/** Manual-style trigger: emits the JSON items in its `items` parameter, like a pinned Manual Trigger. */
export class TestTrigger implements INodeType {
	description: INodeTypeDescription = {
		...base('testTrigger', 'Test Trigger'),
		group: ['trigger'],
		inputs: [],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const items = jsonParam<IDataObject[]>(this.getNodeParameter('items', '[{}]'), [{}]);
		// `this.emit` is swapped in by n8n-core after trigger() returns, so look it up at call time.
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray(items)]);
		};
		return { manualTriggerFunction };
	}
}

/** Attaches fixture files to each input item through this.helpers.prepareBinaryData. */
export class TestBinary implements INodeType {
	description: INodeTypeDescription = {
		...base('testBinary', 'Test Binary'),
		group: ['transform'],
		inputs: ['main'],
		properties: [{ displayName: 'Files', name: 'files', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [itemIndex, item] of this.getInputData().entries()) {
			const files = jsonParam<BinaryFileSpec[]>(this.getNodeParameter('files', itemIndex, '[]'), []);
			const binary = { ...(item.binary ?? {}) };
			for (const file of files) {
				if (file.itemIndex !== undefined && file.itemIndex !== itemIndex) continue;
				const buffer = await readFile(file.path);
				binary[file.property ?? 'data'] = await this.helpers.prepareBinaryData(
					buffer,
					file.fileName ?? basename(file.path),
					file.mimeType,
				);
			}
			out.push({ json: item.json, binary, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

export const testNodeTypes = (): NodeTypeMap => ({
	[TEST_TRIGGER_TYPE]: new TestTrigger(),
	[TEST_BINARY_TYPE]: new TestBinary(),
});

/** INodeTypes over a plain map of full type name -> node type, as WorkflowExecute expects. */
export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: NodeTypeMap) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) {
			throw new Error(`Unknown node type "${nodeType}". Known: ${Object.keys(this.types).join(', ')}`);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		// Resolves versioned nodes to the requested version, exactly like n8n's own NodeTypes.
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			Object.entries(this.types).map(([name, type]) => [name, { className: type.constructor.name, sourcePath: '' }]),
		);
	}
}

/** Registry of the harness nodes plus any extra types (e.g. the loaded package's nodes). */
export function createNodeTypes(...extra: NodeTypeMap[]): TestNodeTypes {
	return new TestNodeTypes(Object.assign(testNodeTypes(), ...extra));
}
