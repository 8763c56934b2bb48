import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseAnswer, usageJson } from '../answer/answer';
import type { Flow } from '../dispatch/plan';
import { failItem } from '../errors/itemError';
import { defaultRetryPolicy } from '../fields/options';
import { JobLifecycle, type ItemRun } from '../job/lifecycle';
import { describeType } from '../lib/text';

// Get Job: look up a job submitted earlier, by its request ID: its status, and its answer once it is done.

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

/** How its items use fal (dispatch/plan.ts). */
export const flow: Flow = 'looksUp';

export const description = updateDisplayOptions({ show: { operation: ['getJob'] } }, properties);

// fal's queue names every request by a UUID (e.g. 764cabcf-b745-4b3e-ae38-1200304cf45b). The ID becomes a
// path segment of the status and result URLs, so anything else ("../x", "a/b?x=1") must never reach them.
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HOW_TO = 'Map the "requestId" from the output of a "Submit Job" operation (or "request_id" from fal\'s webhook). A request ID looks like 764cabcf-b745-4b3e-ae38-1200304cf45b.';

/** Get Job's Request ID, checked to be a fal request ID before it becomes part of a URL. */
export function readRequestId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('requestId', itemIndex, '');
	if (typeof raw !== 'string') {
		failItem(ctx, itemIndex, `The "Request ID" field is ${describeType(raw)}, not text`, HOW_TO);
	}
	const requestId = raw.trim();
	if (!requestId) failItem(ctx, itemIndex, 'The "Request ID" field is empty', HOW_TO);
	if (!REQUEST_ID.test(requestId)) {
		failItem(ctx, itemIndex, `The "Request ID" field is not a fal request ID: ${JSON.stringify(requestId.slice(0, 100))}`, HOW_TO);
	}
	return requestId;
}

/** Looks up one submitted job: its status, and its answer once it is done. Nothing new is paid for. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex } = run;
	const requestId = readRequestId(ctx, itemIndex);
	const job = JobLifecycle.attach(run, requestId, defaultRetryPolicy());
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
		return { json, pairedItem };
	});
}
