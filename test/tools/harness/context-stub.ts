import type { IExecuteFunctions } from 'n8n-workflow';

import { node } from './node-stub';

/** Just enough of IExecuteFunctions for parameter readers: fixed parameter values for every item. */
export function fakeContext(parameters: Record<string, unknown>): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as IExecuteFunctions;
}

/** The message a reader throws, or undefined. */
export function thrown(read: () => unknown): string | undefined {
	try {
		read();
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
}
