import type { IExecuteFunctions, INodeExecutionData, NodeOperationError } from 'n8n-workflow';

import { anySignal } from './abort';
import { audioFromBinary, audioFromUrl } from './audio';
import { itemError, toNodeError } from './errors';
import { answerToJson, parseAnswer } from './output';
import { readJobParams, readRetryPolicy, type JobParams, type Operation } from './params';
import type { RetryPolicy } from './retry';
import {
	cancelJob,
	fetchResult,
	fetchStatus,
	submitJob,
	uploadFile,
	waitForCompletion,
	type AudioRequest,
	type FalSession,
} from './transport';

/** What one item's work needs besides its parameters. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	session: FalSession;
	itemIndex: number;
	/** Aborts on execution cancel, on the item's timeout, or when another item failed the node. */
	signal: AbortSignal;
	timeoutSignal?: AbortSignal;
	timeoutMs: number;
}

async function resolveAudioUrl(item: ItemContext, params: JobParams): Promise<string> {
	const { ctx, itemIndex } = item;
	if (params.audioSource === 'url') return audioFromUrl(ctx, itemIndex, params.audioUrl, params.maxBytes);
	const { file } = await audioFromBinary(ctx, itemIndex, params.binaryPropertyName, params.maxBytes);
	return await uploadFile(item.session, file, params.retry, item.signal);
}

// Turns the abort reason into the message a user needs: which limit was hit, and that the job is gone.
function timedOut(item: ItemContext, requestId?: string): NodeOperationError {
	const seconds = item.timeoutMs / 1000;
	return itemError(
		item.ctx.getNode(),
		item.itemIndex,
		`The request to fal did not finish within ${seconds} second${seconds === 1 ? '' : 's'}`,
		`${requestId ? `fal job ${requestId} was cancelled. ` : ''}Raise "Timeout (Seconds)" under Options for long recordings, or use the "Submit Job" operation with a webhook so n8n does not wait.`,
	);
}

async function guard<T>(item: ItemContext, work: (onSubmitted: (id: string) => void) => Promise<T>): Promise<T> {
	let requestId: string | undefined;
	try {
		return await work((id) => (requestId = id));
	} catch (error) {
		// An aborted item must not leave a paid job running at fal.
		if (item.signal.aborted && requestId) await cancelJob(item.session, requestId);
		if (item.timeoutSignal?.aborted) throw timedOut(item, requestId);
		throw toNodeError(item.ctx.getNode(), error, item.itemIndex, item.session.apiKey, requestId);
	}
}

export async function analyzeItem(item: ItemContext, params: JobParams): Promise<INodeExecutionData> {
	const { ctx, itemIndex, session, signal } = item;
	return await guard(item, async (onSubmitted) => {
		const input: AudioRequest = { audio_url: await resolveAudioUrl(item, params), ...params.request };
		const requestId = await submitJob(session, input, params.retry, signal);
		onSubmitted(requestId);
		await waitForCompletion(session, requestId, params.retry, signal);
		const result = await fetchResult(session, requestId, params.retry, signal);
		const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
		const json = answerToJson(ctx.getNode(), answer, {
			model: input.model,
			requestId: result.requestId || requestId,
			itemIndex,
			format: params.outputFormat,
			invalidJson: params.invalidJson,
		});
		return withBinary(ctx, itemIndex, params, { json, pairedItem: { item: itemIndex } });
	});
}

export async function submitItem(item: ItemContext, params: JobParams): Promise<INodeExecutionData> {
	const { ctx, itemIndex, session, signal } = item;
	return await guard(item, async () => {
		const input: AudioRequest = { audio_url: await resolveAudioUrl(item, params), ...params.request };
		const requestId = await submitJob(session, input, params.retry, signal, params.webhookUrl);
		const json = { requestId, status: 'IN_QUEUE', model: input.model };
		return withBinary(ctx, itemIndex, params, { json, pairedItem: { item: itemIndex } });
	});
}

export async function getJobItem(item: ItemContext, requestId: string, retry: RetryPolicy): Promise<INodeExecutionData> {
	const { ctx, itemIndex, session, signal } = item;
	const status = await fetchStatus(session, requestId, retry, signal);
	const pairedItem = { item: itemIndex };
	if (status.status !== 'COMPLETED') {
		const queuePosition = status.status === 'IN_QUEUE' ? status.queue_position : undefined;
		return { json: { requestId, status: status.status, ...(queuePosition !== undefined && { queuePosition }) }, pairedItem };
	}
	const result = await fetchResult(session, requestId, retry, signal);
	const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
	return { json: { requestId, status: status.status, output: answer.output, usage: { ...answer.usage } }, pairedItem };
}

function withBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	params: JobParams,
	item: INodeExecutionData,
): INodeExecutionData {
	const binary = ctx.getInputData()[itemIndex]?.binary;
	return params.keepBinary && binary ? { ...item, binary } : item;
}

/** One item's work: read and check its parameters, then the operation, under the item's abort signal. */
export async function runItem(
	ctx: IExecuteFunctions,
	session: FalSession,
	operation: Operation,
	itemIndex: number,
	stop: AbortSignal,
	cancelSignal: AbortSignal | undefined,
): Promise<INodeExecutionData> {
	if (operation === 'getJob') {
		const requestId = String(ctx.getNodeParameter('requestId', itemIndex, '')).trim();
		if (!requestId) {
			throw itemError(ctx.getNode(), itemIndex, 'The "Request ID" field is empty', 'Map the "requestId" from the output of a "Submit Job" operation.');
		}
		const retry = readRetryPolicy(ctx, itemIndex, {});
		const signal = anySignal(stop, cancelSignal)!;
		return await getJobItem({ ctx, session, itemIndex, signal, timeoutMs: 0 }, requestId, retry);
	}

	const params = readJobParams(ctx, itemIndex, operation);
	const timeoutSignal = params.timeoutMs > 0 ? AbortSignal.timeout(params.timeoutMs) : undefined;
	const item: ItemContext = {
		ctx,
		session,
		itemIndex,
		signal: anySignal(stop, cancelSignal, timeoutSignal)!,
		timeoutSignal,
		timeoutMs: params.timeoutMs,
	};
	return operation === 'submit' ? await submitItem(item, params) : await analyzeItem(item, params);
}
