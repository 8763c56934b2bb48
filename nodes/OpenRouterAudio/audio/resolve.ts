import type { IExecuteFunctions } from 'n8n-workflow';

import type { JobParams } from '../params/job';
import type { FalSession } from '../transport/session';
import { uploadFile } from '../transport/storage';
import { audioFromBinary, audioFromUrl } from './input';

/** The `audio_url` fal gets for one item: the checked URL as given, or the binary file uploaded once. */
export async function resolveAudioUrl(
	ctx: IExecuteFunctions,
	session: FalSession,
	itemIndex: number,
	params: JobParams,
	signal: AbortSignal,
): Promise<string> {
	if (params.audioSource === 'url') return audioFromUrl(ctx, itemIndex, params.audioUrl, params.maxBytes);
	const { file } = await audioFromBinary(ctx, itemIndex, params.binaryPropertyName, params.maxBytes);
	return await uploadFile(session, file, params.retry, signal);
}
