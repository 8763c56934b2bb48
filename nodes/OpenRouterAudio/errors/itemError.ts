import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Every item error's message ends with the item it is about, so a batch's failures can be told apart. */
export function forItem(message: string, itemIndex: number): string {
	return `${message} [item ${itemIndex}]`;
}

/** A problem with one item's input, found before anything is sent: names the item and says how to fix it. */
export function itemError(node: INode, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, forItem(message, itemIndex), { itemIndex, description });
}

/** Throws `itemError` for the item `ctx` is working on. */
export function failItem(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string): never {
	throw itemError(ctx.getNode(), itemIndex, message, description);
}
