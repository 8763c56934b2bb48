// The item a verified delivery gives: the same as Analyze's for the same answer (output, usage, model,
// requestId, data / segments, the file, `truncated`), plus the Reference Submit Job signed into the URL. A job
// fal ended with an error, or an answer that cannot be read as asked, gives an item shaped as Analyze's items
// under Continue On Fail: `error` (the message Analyze would fail with) and `errorDescription`, with the
// paid answer's `rawAnswer` and `usage` when there is one. The trigger cannot fail an input item (it has none)
// and must not answer fal with an error (fal would deliver the job again, 10 times over 2 hours), so an item
// that says what went wrong is what lets the workflow react.
import { NodeOperationError, type IDataObject, type INodeExecutionData, type NodeApiError } from 'n8n-workflow';

import { parseAnswer } from '../answer/answer';
import { answerToJson, type InvalidJson, type OutputFormat } from '../answer/json';
import { tokenLimit } from '../answer/truncation';
import { paidAnswerFields } from '../errors/answerError';
import { toNodeError } from '../errors/falError';
import type { FileFormat } from '../fields/output';
import type { Redactor } from '../lib/redact';
import { addTranscriptOutput, type TranscriptContext } from '../transcript/item';
import { ApiError, ValidationError } from '../transport/client';
import type { Ticket } from './reference';

/** What fal POSTs (https://docs.fal.ai/model-apis/model-endpoints/webhooks). */
export interface FalDelivery {
	request_id: string;
	gateway_request_id?: string;
	status: 'OK' | 'ERROR';
	payload: unknown;
	error?: string;
	payload_error?: string;
}

/** The trigger's Output options, as Analyze reads its own. */
export interface TriggerSettings {
	output: 'text' | 'segments';
	/** 'text' with the Segments output, which is JSON already (fields/output.ts readOutputFormat). */
	format: OutputFormat;
	invalidJson: InvalidJson;
	file?: { format: FileFormat; binaryPropertyName: string };
}

/** The body as fal documents it, or a reason to refuse it (for the log). */
export function readDelivery(rawBody: Buffer, redactor: Redactor): FalDelivery | string {
	let body: unknown;
	try {
		// fal's answer, like every answer from fal, loses the key as it enters the node (transport/session.ts keyRedactor).
		body = JSON.parse(redactor.text(rawBody.toString('utf8')));
	} catch {
		return 'the body is not JSON';
	}
	const delivery = body as Partial<FalDelivery> | null;
	if (typeof delivery !== 'object' || delivery === null || Array.isArray(delivery)) return 'the body is not a JSON object';
	if (typeof delivery.request_id !== 'string' || !delivery.request_id) return 'the body has no request_id';
	if (delivery.status !== 'OK' && delivery.status !== 'ERROR') return `the body's status is ${JSON.stringify(delivery.status)}, not OK or ERROR`;
	return delivery as FalDelivery;
}

// The item has no input items; "[item 0]" would point at nothing.
const withoutItemSuffix = (message: string) => message.replace(/ \[item \d+\]$/, '');

function errorJson(error: NodeApiError | NodeOperationError, base: IDataObject): IDataObject {
	return {
		error: withoutItemSuffix(error.message),
		errorDescription: error.description ?? null,
		...paidAnswerFields(error),
		...base,
	};
}

/** fal's "Invalid status code: 422" as an HTTP status, for the same explanation Analyze gives. */
function statusOf(error: string | undefined): number {
	const status = Number(/\b([1-5]\d\d)\b/.exec(error ?? '')?.[1]);
	return Number.isFinite(status) ? status : 500;
}

/** The output item for a verified delivery. */
export async function deliveryItem(
	ctx: TranscriptContext,
	delivery: FalDelivery,
	ticket: Ticket,
	settings: TriggerSettings,
): Promise<INodeExecutionData> {
	const node = ctx.getNode();
	const requestId = delivery.request_id;
	const base: IDataObject = { model: ticket.model, requestId, reference: ticket.reference ?? null };

	if (delivery.status === 'ERROR') {
		const status = statusOf(delivery.error);
		const args = { message: delivery.error ?? 'fal ended the job with an error', status, body: delivery.payload, requestId };
		const error = toNodeError(node, status === 422 ? new ValidationError(args) : new ApiError(args), 0, { requestId });
		return { json: errorJson(error, { ...base, status: 'ERROR' }) };
	}
	if (delivery.payload === null || delivery.payload === undefined) {
		const error = new NodeOperationError(node, 'fal completed the job but could not include its answer in the delivery', {
			description: `fal said: "${delivery.payload_error ?? 'no payload'}". The answer is paid for: fetch it with the "Get Job" operation and request ID ${requestId} while fal keeps it (1 hour after completion, 6 minutes for answers of 10 KB or more).`,
		});
		return { json: errorJson(error, base) };
	}

	try {
		const answer = parseAnswer(node, delivery.payload, 0, requestId);
		const json = answerToJson(node, answer, {
			model: ticket.model,
			requestId,
			itemIndex: 0,
			format: settings.format,
			invalidJson: settings.invalidJson,
			// Segments judge a cut-off answer by its JSON (transcript/item.ts), as in Analyze.
			tokenLimit: settings.output === 'segments' ? undefined : tokenLimit(answer.usage, ticket.maxTokens),
		});
		// The reference sits beside the request ID, before what the output adds.
		const ordered: IDataObject = {};
		for (const [key, value] of Object.entries(json)) {
			ordered[key] = value;
			if (key === 'requestId') ordered.reference = base.reference;
		}
		return await addTranscriptOutput(
			ctx,
			0,
			// Segments keep the speakers the answer names: the trigger cannot know what Submit Job asked.
			{ ...settings, speakerLabels: true, maxTokens: ticket.maxTokens, inputFileName: ticket.reference },
			answer,
			{ json: ordered },
		);
	} catch (error) {
		// Whatever went wrong, the paid answer becomes an item that says so, never a lost delivery.
		return { json: errorJson(toNodeError(node, error, 0, { requestId }), base) };
	}
}
