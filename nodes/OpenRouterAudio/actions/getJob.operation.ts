import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseAnswer, usageJson } from '../output/answer';
import { readRetryPolicy } from '../params/options';
import { readRequestId } from '../params/requestId';
import { scrubError } from '../errors/redact';
import { JobLifecycle } from '../job/lifecycle';
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
	const { ctx, itemIndex } = run;
	const requestId = readRequestId(ctx, itemIndex);
	const retry = readRetryPolicy(ctx, itemIndex, {});
	const job = JobLifecycle.attach(run, requestId, retry);
	return await job.execute(async () => {
		const status = await job.status();
		const pairedItem = { item: itemIndex };
		if (status.status !== 'COMPLETED') {
			const { queuePosition } = status;
			return { json: { requestId, status: status.status, ...(queuePosition !== undefined && { queuePosition }) }, pairedItem };
		}
		const result = await job.result();
		const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
		const json = { requestId, status: status.status, output: answer.output, ...usageJson(answer) };
		return { json: scrubError(json, job.session.apiKey), pairedItem };
	});
}
