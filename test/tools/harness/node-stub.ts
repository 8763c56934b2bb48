import type { INode } from 'n8n-workflow';

/** The INode that errors are attached to; only its identity matters to them. */
export const node: INode = {
	id: 'node-1',
	name: 'OpenRouter Audio',
	type: 'n8n-nodes-fal-openrouter-audio.openRouterAudio',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
