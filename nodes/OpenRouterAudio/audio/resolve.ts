import type { IExecuteFunctions } from 'n8n-workflow';

import { ByteBudget } from '../dispatch/bytes';
import type { JobParams } from '../params/job';
import { readUploadMemoryBytes } from '../params/options';
import type { FalSession } from '../transport/session';
import { uploadFile } from '../transport/storage';
import { audioFromBinary, audioFromUrl } from './input';

// One budget per node execution: every item of the run shares the same context object.
const budgets = new WeakMap<IExecuteFunctions, ByteBudget>();

function uploadBudget(ctx: IExecuteFunctions): ByteBudget {
	let budget = budgets.get(ctx);
	if (!budget) budgets.set(ctx, (budget = new ByteBudget(readUploadMemoryBytes(ctx))));
	return budget;
}

/** Bytes the item's file takes in memory once read, known before reading; 0 if it will be refused unread. */
async function sizeBeforeReading(ctx: IExecuteFunctions, itemIndex: number, params: JobParams): Promise<number> {
	const binary = ctx.getInputData()[itemIndex]?.binary?.[params.binaryPropertyName.trim()];
	if (!binary) return 0;
	const size = binary.id ? (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize : Math.floor((binary.data.length * 3) / 4);
	return size > params.maxBytes ? 0 : size;
}

/**
 * The `audio_url` fal gets for one item: the checked URL as given, or the binary file uploaded once. A
 * binary file is read and uploaded within the execution's "Upload Memory" budget.
 */
export async function resolveAudioUrl(
	ctx: IExecuteFunctions,
	session: FalSession,
	itemIndex: number,
	params: JobParams,
	signal: AbortSignal,
): Promise<string> {
	if (params.audioSource === 'url') return audioFromUrl(ctx, itemIndex, params.audioUrl, params.maxBytes);
	const release = await uploadBudget(ctx).reserve(await sizeBeforeReading(ctx, itemIndex, params), signal);
	try {
		const { file } = await audioFromBinary(ctx, itemIndex, params.binaryPropertyName, params.maxBytes);
		return await uploadFile(session, file, params.retry, signal);
	} finally {
		release();
	}
}
