import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseAnswer, usageJson } from '../output/answer';
import { readRetryPolicy } from '../params/options';
import { readRequestId } from '../params/requestId';
import { anySignal } from '../transport/abort';
import { fetchResult, fetchStatus } from '../transport/queue';
import type { ItemRun } from './item';

const properties: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 764cabcf-b745-4b3e-ae38-1200304cf45b',
		description: 'The request ID returned by "Submit Job" (or by fal\'s webhook)',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getJob'] } }, properties);

/** Looks up one submitted job: its status, and its answer once it is done. Nothing new is paid for. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex, session } = run;
	const requestId = readRequestId(ctx, itemIndex);
	const retry = readRetryPolicy(ctx, itemIndex, {});
	const signal = anySignal(run.stop, run.cancelSignal)!;

	const status = await fetchStatus(session, requestId, retry, signal);
	const pairedItem = { item: itemIndex };
	if (status.status !== 'COMPLETED') {
		const queuePosition = status.status === 'IN_QUEUE' ? status.queue_position : undefined;
		return { json: { requestId, status: status.status, ...(queuePosition !== undefined && { queuePosition }) }, pairedItem };
	}
	const result = await fetchResult(session, requestId, retry, signal);
	const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
	return { json: { requestId, status: status.status, output: answer.output, ...usageJson(answer) }, pairedItem };
}
