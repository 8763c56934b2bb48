import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { JobParams } from '../fields/job';
import { ExpiringMap } from '../lib/expiringMap';
import { stableJson } from '../lib/stableJson';
import { jobOutlivesItem, type JobFate } from '../outcome/jobFate';
import type { Result } from '../transport/client';

// n8n's "Retry On Fail" runs the node again, with every input item, in the same process and execution. So
// that a retry does not pay twice, each item's fal job is remembered here by execution, node and item, with
// a fingerprint of what was asked: a retry re-attaches to a job that is still running, takes the answer of
// one that completed, and submits only items that never got a job. Nothing is written anywhere; entries
// expire and their number is bounded, so a long-running n8n process does not grow.
//
// The answer a completed job gave this process is kept too, within a byte budget for the process (oldest
// dropped first, with the entries' day): fal keeps a result only 1 hour (6 minutes from 10 KB), and with "Keep
// Request Data at Fal" off its history keeps no copy, so a retry that came later would throw a paid answer away.
// A retry still reads fal first (free, and the same answer); the kept copy answers when fal no longer can.

export interface JobKey {
	executionId: string;
	nodeName: string;
	itemIndex: number;
}

export interface RememberedJob {
	requestId: string;
	/** fal reported the job COMPLETED: its result can be fetched again without a new job. */
	completed: boolean;
}

interface Entry extends RememberedJob {
	fingerprint: string;
}

export interface JobMemoryLimits {
	maxEntries: number;
	ttlMs: number;
	/** The most bytes the kept answers take together (their JSON). */
	maxAnswerBytes: number;
}

// A day covers n8n's longest retry waits (5 s between tries, at most 5 tries) many times over, and a
// day of a busy instance's items fits in a few megabytes. 32 MB of answers is some 3,000 transcripts of
// 10 minutes of speech: a batch's worth between a try and its retry.
const DEFAULT_LIMITS: JobMemoryLimits = { maxEntries: 20_000, ttlMs: 24 * 60 * 60 * 1000, maxAnswerBytes: 32 * 1024 * 1024 };

/** A completed job's answer as this process received it, serialised so nothing can change it afterwards. */
interface KeptAnswer {
	requestId: string;
	json: string;
}

/** A stable digest of everything that decides the answer: the endpoint input and the audio's identity. */
export function fingerprint(value: unknown): string {
	return createHash('sha256').update(stableJson(value)).digest('hex');
}

export class JobMemory {
	private readonly entries: ExpiringMap<Entry>;
	private readonly answers: ExpiringMap<KeptAnswer>;

	constructor(limits: Partial<JobMemoryLimits> = {}, now: () => number = Date.now) {
		const { maxEntries, ttlMs, maxAnswerBytes } = { ...DEFAULT_LIMITS, ...limits };
		this.entries = new ExpiringMap({ maxEntries, ttlMs }, now);
		this.answers = new ExpiringMap({ maxEntries, ttlMs, maxBytes: maxAnswerBytes }, now);
	}

	/** The job this item already has for the same request, if any. A changed request is not served. */
	recall(key: JobKey, print: string): RememberedJob | undefined {
		const id = keyOf(key);
		const entry = this.entries.get(id);
		if (!entry) return undefined;
		if (entry.fingerprint !== print) {
			this.entries.delete(id);
			return undefined;
		}
		return { requestId: entry.requestId, completed: entry.completed };
	}

	/** fal accepted a job for this item. */
	submitted(key: JobKey, print: string, requestId: string): void {
		this.entries.set(keyOf(key), { requestId, completed: false, fingerprint: print });
		this.answers.delete(keyOf(key));
	}

	/** The item's completed job's answer reached this process: kept, within the byte budget, for a later try. */
	answered(key: JobKey, result: Result<unknown>): void {
		const id = keyOf(key);
		const entry = this.entries.get(id);
		if (!entry?.completed || entry.requestId !== result.requestId) return;
		const json = JSON.stringify(result.data) ?? 'null';
		this.answers.set(id, { requestId: result.requestId, json }, Buffer.byteLength(json));
	}

	/** The answer this process received for the item's job `requestId`, if it still keeps it. */
	answer(key: JobKey, requestId: string): Result<unknown> | undefined {
		const kept = this.answers.get(keyOf(key));
		if (kept?.requestId !== requestId) return undefined;
		return { data: JSON.parse(kept.json) as unknown, requestId };
	}

	/** fal reported the item's job COMPLETED. */
	completed(key: JobKey, requestId: string): void {
		const entry = this.entries.get(keyOf(key));
		if (entry?.requestId === requestId) entry.completed = true;
	}

	/**
	 * The job left nothing to reuse (it never ran, or was removed from fal's queue or stopped: RememberedItem.failed).
	 * A delivered job is kept, with its answer: Retry On Fail runs every item again, delivered ones too.
	 */
	forget(key: JobKey): void {
		this.entries.delete(keyOf(key));
		this.answers.delete(keyOf(key));
	}

	get size(): number {
		return this.entries.size;
	}

	/** The bytes the kept answers take. */
	get answerBytes(): number {
		return this.answers.totalBytes;
	}
}

const keyOf = (key: JobKey) => JSON.stringify([key.executionId, key.nodeName, key.itemIndex]);

/** One memory per n8n process: the retries of a node run in the process that ran it first. */
const jobMemory = new JobMemory();

/** Where an item's job is remembered: this execution, this node, this item. */
function jobKey(ctx: IExecuteFunctions, itemIndex: number): JobKey {
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
	/** Only a node that n8n will run again (its Retry On Fail setting) needs its answers kept: no work, no memory otherwise. */
	private readonly keepsAnswers: boolean;

	constructor(
		ctx: IExecuteFunctions,
		itemIndex: number,
		private readonly print: string,
		private readonly memory: JobMemory = jobMemory,
	) {
		this.key = jobKey(ctx, itemIndex);
		this.keepsAnswers = ctx.getNode().retryOnFail === true;
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

	/** The completed job's answer, as received: a later try delivers it when fal no longer has it. */
	answered(result: Result<unknown>): void {
		if (this.keepsAnswers) this.memory.answered(this.key, result);
	}

	/** The answer an earlier try received for job `requestId`, if this process still keeps it. */
	answer(requestId: string): Result<unknown> | undefined {
		return this.memory.answer(this.key, requestId);
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
