import type { IExecuteFunctions } from 'n8n-workflow';

import type { RetryPolicy } from '../transport/attempts';
import type { AudioRequest } from '../transport/queue';
import { readAudioSource, type AudioSource } from './audio';
import { readModel } from './model';
import { readKeepBinary, readMaxBytes, readModelOptions, readRetryPolicy, readTimeLimits, type TimeLimits } from './options';
import { readPrompt, readTask, type PromptChoices } from './prompt';

/** One job item's settings (Analyze and Submit Job), read and checked before anything is sent. */
export interface JobParams extends AudioSource, TimeLimits {
	/** The endpoint input without `audio_url`, which depends on the audio source. */
	request: Omit<AudioRequest, 'audio_url'>;
	keepBinary: boolean;
	maxBytes: number;
	retry: RetryPolicy;
}

/** `shape` is the kind of answer the operation asks for, added to the prompt (Analyze: JSON or segments). */
export function readJobParams(ctx: IExecuteFunctions, itemIndex: number, shape?: PromptChoices['shape']): JobParams {
	const prompt = readPrompt(ctx, itemIndex, readTask(ctx, itemIndex), shape);
	const request: JobParams['request'] = { prompt, model: readModel(ctx, itemIndex), ...readModelOptions(ctx, itemIndex) };
	return {
		...readAudioSource(ctx, itemIndex),
		request,
		keepBinary: readKeepBinary(ctx, itemIndex),
		maxBytes: readMaxBytes(ctx, itemIndex),
		...readTimeLimits(ctx, itemIndex),
		retry: readRetryPolicy(ctx, itemIndex),
	};
}
