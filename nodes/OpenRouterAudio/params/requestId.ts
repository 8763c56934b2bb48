import type { IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';
import { describeType } from './text';

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
