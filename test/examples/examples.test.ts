import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeParameters, INodeProperties, INodeTypeDescription, IWorkflowBase } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { loadPackage, repoRoot, OPENROUTER_AUDIO_TRIGGER_TYPE, OPENROUTER_AUDIO_TYPE } from '../tools/harness';

const dir = join(repoRoot, 'examples');
const examples = readdirSync(dir)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(dir, file), 'utf8')) as IWorkflowBase }));

let description: INodeTypeDescription;
/** The package's node types an example may use, with their descriptions. */
const descriptions: Record<string, INodeTypeDescription> = {};
beforeAll(async () => {
	const { nodes } = await loadPackage();
	for (const type of [OPENROUTER_AUDIO_TYPE, OPENROUTER_AUDIO_TRIGGER_TYPE]) descriptions[type] = (nodes[type] as { description: INodeTypeDescription }).description;
	description = descriptions[OPENROUTER_AUDIO_TYPE];
});

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');

/** Every parameter an example sets must exist, be shown for its other settings, and hold an allowed value. */
// `scope` is what displayOptions read for a sibling's name: the node's parameters, or inside a collection the
// collection's values (as the editor reads them); names starting with "/" read `root`.
function parameterProblems(node: INode, properties: INodeProperties[], values: INodeParameters, root: INodeParameters, scope = root, nodeDescription = description): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(values)) {
		const candidates = properties.filter((property) => property.name === name);
		const shown = candidates.filter(
			(property) => !property.displayOptions || NodeHelpers.displayParameter(scope, property, node, nodeDescription, root),
		);
		if (candidates.length === 0) problems.push(`unknown parameter "${name}"`);
		else if (shown.length === 0) problems.push(`parameter "${name}" is set but not shown for these settings`);
		for (const property of shown) {
			if (property.type === 'options' && !isExpression(value)) {
				const allowed = (property.options ?? []).map((option) => (option as { value: unknown }).value);
				if (!allowed.includes(value)) problems.push(`"${name}" = ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
			}
			if (property.type === 'collection' && value && typeof value === 'object') {
				problems.push(...parameterProblems(node, property.options as INodeProperties[], value as INodeParameters, root, value as INodeParameters, nodeDescription));
			}
		}
	}
	return problems;
}

test('there are examples for a storage trigger, a form upload, the long-audio webhook pattern and a watched folder', () => {
	const types = examples.flatMap(({ workflow }) => workflow.nodes.map((node) => node.type));
	expect(types).toEqual(
		expect.arrayContaining(['n8n-nodes-base.googleDriveTrigger', 'n8n-nodes-base.formTrigger', 'n8n-nodes-base.wait', 'n8n-nodes-base.localFileTrigger']),
	);
});

describe.each(examples)('example $file', ({ workflow }) => {
	test('is a well-formed workflow: unique names, connections between existing nodes', () => {
		expect(typeof workflow.name).toBe('string');
		const names = workflow.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of Object.values(outputs).flat(2)) expect(names).toContain(target!.node);
		}
		// Every node but the trigger has an incoming connection.
		const targets = new Set(Object.values(workflow.connections).flatMap((outputs) => Object.values(outputs).flat(2).map((t) => t!.node)));
		expect(names.filter((name) => !targets.has(name))).toHaveLength(1);
	});

	test("its OpenRouter Audio nodes (and triggers) are valid for their node's description", () => {
		const ours = workflow.nodes.filter((node) => node.type in descriptions);
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			const own = descriptions[node.type];
			expect(node.typeVersion).toBe(own.version);
			expect(Object.keys(node.credentials ?? {})).toEqual(['falApi']);
			const resolved = NodeHelpers.getNodeParameters(own.properties, node.parameters, true, false, node, own);
			expect(resolved).not.toBeNull();
			expect(parameterProblems(node, own.properties, node.parameters, resolved!, resolved!, own)).toEqual([]);
			expect(NodeHelpers.getNodeParametersIssues(own.properties, { ...node, parameters: resolved! }, own)).toBeNull();
		}
	});

	test('a Submit Job pointed at an OpenRouter Audio Trigger uses the webhook ID of an example trigger', () => {
		const triggerIds = new Set(examples.flatMap(({ workflow: wf }) => wf.nodes.filter((n) => n.type === OPENROUTER_AUDIO_TRIGGER_TYPE).map((n) => n.webhookId)));
		for (const node of workflow.nodes.filter((n) => n.type === OPENROUTER_AUDIO_TYPE && String(n.parameters.webhookUrl ?? '').endsWith('/openrouter-audio'))) {
			const webhookId = /\/webhook\/([^/]+)\/openrouter-audio$/.exec(String(node.parameters.webhookUrl))?.[1];
			expect(triggerIds).toContain(webhookId);
		}
	});
});

test('the checker itself catches a wrong parameter', () => {
	const node = { ...examples[0].workflow.nodes.find((n) => n.type === OPENROUTER_AUDIO_TYPE)! };
	const bad = { ...node.parameters, audioSource: 'ftp', prompts: 'x', options: { temprature: 1 } };
	const root = { ...NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description), ...bad };
	expect(parameterProblems(node, description.properties, bad, root)).toEqual(
		expect.arrayContaining([
			'"audioSource" = "ftp" is not one of url, binary',
			'unknown parameter "prompts"',
			'unknown parameter "temprature"',
		]),
	);
});

test('the checker reads a collection option\'s displayOptions against its siblings, as the editor does', () => {
	const node = { ...examples[0].workflow.nodes.find((n) => n.type === OPENROUTER_AUDIO_TYPE)! };
	const check = (options: INodeParameters) => {
		const parameters = { ...node.parameters, options };
		const root = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
		return parameterProblems(node, description.properties, parameters, root);
	};
	expect(check({ outputBinaryPropertyName: 'subtitles' })).toEqual(['parameter "outputBinaryPropertyName" is set but not shown for these settings']);
	expect(check({ putOutputInFile: 'srt', outputBinaryPropertyName: 'subtitles' })).toEqual([]);
});
