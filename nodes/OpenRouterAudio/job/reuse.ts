import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { JobParams } from '../params/job';
import { jobOutlivesItem, type JobFate } from './failure';
import { fingerprint, jobMemory, type JobKey, type JobMemory, type RememberedJob } from './memory';

/** Where an item's job is remembered: this execution, this node, this item. */
export function jobKey(ctx: IExecuteFunctions, itemIndex: number): JobKey {
	return { executionId: ctx.getExecutionId(), nodeName: ctx.getNode().name, itemIndex };
}

/**
 * What the item asks of fal, before anything is uploaded: the endpoint input without `audio_url`, and the
 * audio's identity instead (a binary file's upload URL is new on every upload). A stored binary is named by
 * its ID in n8n's binary store; an inline one by a digest of its bytes.
 */
export function requestFingerprint(ctx: IExecuteFunctions, itemIndex: number, params: JobParams, webhookUrl?: string): string {
	let audio: unknown = params.audioUrl;
	if (params.audioSource === 'binary') {
		const binary = ctx.getInputData()[itemIndex]?.binary?.[params.binaryPropertyName.trim()];
		audio = binary && {
			id: binary.id,
			digest: binary.id ? undefined : createHash('sha256').update(binary.data).digest('hex'),
			fileName: binary.fileName,
			mimeType: binary.mimeType,
		};
	}
	return fingerprint({ request: params.request, audio, webhookUrl });
}

/** One item's entry in the process's job memory, for the lifetime of one run of the node. */
export class RememberedItem {
	private readonly key: JobKey;

	constructor(
		ctx: IExecuteFunctions,
		itemIndex: number,
		private readonly print: string,
		private readonly memory: JobMemory = jobMemory,
	) {
		this.key = jobKey(ctx, itemIndex);
	}

	/** The job an earlier try of this node gave this item for the same request, if any. */
	recall(): RememberedJob | undefined {
		return this.memory.recall(this.key, this.print);
	}

	submitted(requestId: string): void {
		this.memory.submitted(this.key, this.print, requestId);
	}

	/** fal reported the job COMPLETED (it is billed): a retry reads its answer again instead of paying anew. */
	completed(requestId: string): void {
		this.memory.completed(this.key, requestId);
	}

	/**
	 * The item failed. A job that completed stays (a retry reads its answer, or fal's error, again), and so does one
	 * that may still run (a cancel fal only passed on, or one that got no answer). A job that never ran, was removed
	 * from fal's queue or stopped leaves nothing to reuse: a retry submits anew.
	 */
	failed(fate: JobFate): void {
		if (!jobOutlivesItem(fate)) this.memory.forget(this.key);
	}
}
