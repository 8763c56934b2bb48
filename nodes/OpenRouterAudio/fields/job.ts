import type { IExecuteFunctions } from 'n8n-workflow';

import type { RetryPolicy } from '../transport/attempts';
import type { AudioRequest } from '../transport/queue';
import { readAudioSource, type AudioSource } from './audio';
import { readAudioLifetime, readKeepRequestData, type AudioLifetime } from './falStorage';
import { readModel } from './model';
import { optionsOf, readKeepBinary, readMaxBytes, readModelOptions, readRetryPolicy, readTimeLimits, type TimeLimits } from './options';
import { readPrompt, readTask, type PromptChoices } from './prompt';

/** One job item's settings (Analyze and Submit Job), read and checked before anything is sent. */
export interface JobParams extends AudioSource, TimeLimits {
	/** The endpoint input without `audio_url`, which depends on the audio source. */
	request: Omit<AudioRequest, 'audio_url'>;
	keepBinary: boolean;
	maxBytes: number;
	retry: RetryPolicy;
	/** "Keep Request Data at Fal": false sends X-Fal-Store-IO: 0 with every submit. */
	keepRequestData: boolean;
	/** "Keep Uploaded Audio at Fal": the lifetime of a binary source's upload (read for binary sources only). */
	audioLifetime?: AudioLifetime;
}

/** `shape` is the kind of answer the operation asks for, added to the prompt (Analyze: JSON or segments). */
export function readJobParams(ctx: IExecuteFunctions, itemIndex: number, shape?: PromptChoices['shape']): JobParams {
	const prompt = readPrompt(ctx, itemIndex, readTask(ctx, itemIndex), shape);
	const request: JobParams['request'] = { prompt, model: readModel(ctx, itemIndex), ...readModelOptions(ctx, itemIndex) };
	const limits = readTimeLimits(ctx, itemIndex);
	const options = optionsOf(ctx, itemIndex);
	const source = readAudioSource(ctx, itemIndex);
	return {
		...source,
		request,
		keepBinary: readKeepBinary(ctx, itemIndex),
		maxBytes: readMaxBytes(ctx, itemIndex),
		...limits,
		retry: readRetryPolicy(ctx, itemIndex),
		keepRequestData: readKeepRequestData(ctx, itemIndex, options),
		audioLifetime: source.audioSource === 'binary' ? readAudioLifetime(ctx, itemIndex, options, limits) : undefined,
	};
}
