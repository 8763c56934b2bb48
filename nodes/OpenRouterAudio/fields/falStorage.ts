import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failItem } from '../errors/itemError';

// What fal keeps of an item (docs/what-fal-keeps.md):
// - its request payloads (input and answer) 30 days, for the request history, unless a submit carries
//   `X-Fal-Store-IO: 0` (fal.ai/docs/documentation/model-apis/inference/payloads,
//   fal.ai/docs/documentation/model-apis/media-expiration);
// - audio the node uploads, on a public CDN URL, for the lifetime the upload asks for (`X-Fal-Object-Lifecycle`
//   on the upload's initiation, which @fal-ai/client sends for `storage.upload(file, { lifecycle: { expiresIn } })`).

const keepRequestData = {
	displayName: 'Keep Request Data at Fal',
	name: 'keepRequestData',
	type: 'boolean',
	default: true,
	description:
		'Whether fal may store the job\'s input (prompt, audio URL, or the whole recording when it is a data: URI) and answer for 30 days in its request history. Off sends "X-Fal-Store-IO: 0" with every submit, so fal keeps no copy. The cost: "Get Job" cannot read an answer from the history once fal\'s result store has let it go (1 hour after the job, 6 minutes from 10 KB), and a submit whose answer was lost can only be resolved while fal lists no request the node cannot identify.',
} satisfies INodeProperties;

const uploadedAudioLifetime = {
	displayName: 'Keep Uploaded Audio at Fal',
	name: 'uploadedAudioLifetime',
	type: 'options',
	options: [
		{
			name: 'For the Job',
			value: 'job',
			description:
				'2 × ("Max Queue Wait" + "Timeout") + 10 minutes, at most 1 day: as long as the job (or one resubmit) can still start and run',
		},
		{
			name: 'Never Expire (Account Default)',
			value: 'never',
			description: 'No lifetime is sent: your fal account\'s storage settings apply, which keep files until deleted unless set otherwise',
		},
		{ name: 'One Day', value: '1d' },
		{ name: 'Seven Days', value: '7d' },
		{ name: 'Thirty Days', value: '30d' },
	],
	default: 'job',
	description:
		'How long fal keeps the audio file this node uploads (on a public URL anyone with the link can open). The item reports when it expires in "audioExpiresAt". URLs are not uploaded: fal fetches them itself.',
	displayOptions: { show: { '/audioSource': ['binary'] } },
} satisfies INodeProperties;

const deleteRequestData = {
	displayName: 'Delete Request Data After Answer',
	name: 'deleteRequestData',
	type: 'boolean',
	default: false,
	description:
		'Whether to delete the job\'s input and answer from fal\'s request history once the answer is on the item, instead of letting fal keep them 30 days. Needs an admin key in the credential ("Admin API Key"). A deletion that fails never fails the item: "requestDataDeleted" says what happened. With Retry On Fail nothing is deleted (a later try reads the answers again). The uploaded audio is not deleted with it: see "Keep Uploaded Audio at Fal".',
} satisfies INodeProperties;

/** The fields every job operation shows, for the Options collection (fields/options.ts). */
export const falStorageOptions: INodeProperties[] = [keepRequestData, uploadedAudioLifetime];

/** Analyze Audio's own: only it has the answer in hand to delete fal's copy after. */
export const deleteRequestDataOption: INodeProperties = deleteRequestData;

export type AudioLifetimeChoice = 'job' | '1d' | '7d' | '30d' | 'never';

const DAY_S = 86_400;
const FIXED_SECONDS: Record<Exclude<AudioLifetimeChoice, 'job' | 'never'>, number> = { '1d': DAY_S, '7d': 7 * DAY_S, '30d': 30 * DAY_S };

/**
 * "For the Job": for clocks (n8n's and fal's), the upload's own time, the history's listing lag (30 s) and
 * the lost-submit search's backoff (10 s).
 */
export const JOB_LIFETIME_MARGIN_S = 600;
/** "For the Job" never keeps a recording longer than a day. */
export const JOB_LIFETIME_CAP_S = DAY_S;

/** "Max Queue Wait" and "Timeout" in ms, 0 = no limit (fields/options.ts TimeLimits). */
interface JobLimits {
	queueWaitMs: number;
	timeoutMs: number;
}

/**
 * How long the audio of a job must live: a submitted job needs it for at most "Max Queue Wait" (fal ends it
 * unstarted after that) plus "Timeout" (the node cancels it then). Twice that, because before the job's own
 * life may come as long again: in Analyze, a wait for a dispatch slot, which frees when a job ahead of it ends
 * (bound by the same limits); or, after a submit whose answer was lost, the search for its job, which ends once
 * that submit's Max Queue Wait has passed, before the one resubmit that reuses the same uploaded URL. Without
 * either limit (0) nothing bounds the job: a day.
 */
export function jobAudioLifetimeSeconds({ queueWaitMs, timeoutMs }: JobLimits): number {
	if (queueWaitMs === 0 || timeoutMs === 0) return JOB_LIFETIME_CAP_S;
	const seconds = Math.ceil((2 * (queueWaitMs + timeoutMs)) / 1000) + JOB_LIFETIME_MARGIN_S;
	return Math.min(seconds, JOB_LIFETIME_CAP_S);
}

/** The lifetime an upload asks fal for: seconds, or undefined to send none ("never"). */
export interface AudioLifetime {
	choice: AudioLifetimeChoice;
	seconds: number | undefined;
}

/** A yes/no option as set, or its field's default; an expression may give "true"/"false" as text. */
function readBoolean(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: Record<string, unknown>,
	field: { name: string; displayName: string; default: boolean },
	whenRemoved: string,
): boolean {
	const value = options[field.name] ?? field.default;
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	return failItem(
		ctx,
		itemIndex,
		`The "${field.displayName}" option is ${JSON.stringify(value)?.slice(0, 100) ?? String(value)}, not true or false`,
		`An expression must return true or false (or remove the option: ${whenRemoved}).`,
	);
}

/** The item's "Keep Request Data at Fal". */
export const readKeepRequestData = (ctx: IExecuteFunctions, itemIndex: number, options: Record<string, unknown>): boolean =>
	readBoolean(ctx, itemIndex, options, keepRequestData, 'fal then keeps the request data');

/** The item's "Keep Uploaded Audio at Fal", as seconds for its upload. */
export function readAudioLifetime(ctx: IExecuteFunctions, itemIndex: number, options: Record<string, unknown>, limits: JobLimits): AudioLifetime {
	const value = options[uploadedAudioLifetime.name] ?? uploadedAudioLifetime.default;
	const allowed = uploadedAudioLifetime.options.map((option) => option.value as AudioLifetimeChoice);
	const choice = allowed.find((option) => option === value);
	if (choice === undefined) {
		return failItem(
			ctx,
			itemIndex,
			`The "${uploadedAudioLifetime.displayName}" option is ${JSON.stringify(value)?.slice(0, 100) ?? String(value)}`,
			`Use one of ${allowed.map((option) => `"${option}"`).join(', ')} (an expression must return one of them).`,
		);
	}
	if (choice === 'never') return { choice, seconds: undefined };
	return { choice, seconds: choice === 'job' ? jobAudioLifetimeSeconds(limits) : FIXED_SECONDS[choice] };
}

/** The item's "Delete Request Data After Answer". */
export const readDeleteRequestData = (ctx: IExecuteFunctions, itemIndex: number, options: Record<string, unknown>): boolean =>
	readBoolean(ctx, itemIndex, options, deleteRequestData, 'fal then keeps the request data 30 days');

/** Deleting needs the credential's admin key: without one the item fails before anything is sent. */
export function missingAdminKey(ctx: IExecuteFunctions, itemIndex: number): never {
	return failItem(
		ctx,
		itemIndex,
		`The "${deleteRequestData.displayName}" option needs an admin key, and the Fal API credential has none`,
		'Add an admin key of your fal account as "Admin API Key" in the Fal API credential (fal.ai/dashboard/keys), or turn the option off. Nothing was sent to fal.',
	);
}
