import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** Passes the input item's binary data on to the output item when "Keep Binary Data" is on. */
export function withBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	keepBinary: boolean,
	item: INodeExecutionData,
): INodeExecutionData {
	const binary = ctx.getInputData()[itemIndex]?.binary;
	return keepBinary && binary ? { ...item, binary } : item;
}
