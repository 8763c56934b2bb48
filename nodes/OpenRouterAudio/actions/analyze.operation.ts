import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveAudioUrl } from '../audio/resolve';
import { reportStatus } from '../dispatch/slots';
import { answerToJson, parseAnswer, type OutputFormat } from '../output/answer';
import { withBinary } from '../output/keepBinary';
import { addTranscriptOutput } from '../output/transcriptOutput';
import { readJobParams } from '../params/job';
import { fetchResult, submitJob, waitForCompletion, type AudioRequest } from '../transport/queue';
import { audioFields, modelField, optionsCollection, taskFields, transcriptFields } from './descriptions';
import { guard, itemContext, type ItemRun } from './item';

const properties: INodeProperties[] = [
	...audioFields,
	...taskFields,
	...transcriptFields,
	modelField,
	optionsCollection({ jsonAnswers: true }),
];

export const description = updateDisplayOptions({ show: { operation: ['analyze'] } }, properties);

/** Sends one item's audio and prompt, waits for the job and returns its answer. */
export async function execute(run: ItemRun): Promise<INodeExecutionData> {
	const { ctx, itemIndex, session } = run;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const params = readJobParams(ctx, itemIndex, (options.outputFormat as OutputFormat) ?? 'text');
	const item = itemContext(run, params.timeoutMs);
	const { signal } = item;
	return await guard(item, async (onSubmitted) => {
		const input: AudioRequest = { audio_url: await resolveAudioUrl(ctx, session, itemIndex, params, signal), ...params.request };
		// Dispatch hook: a slot from the batch's window for the job's life at fal.
		const slot = await run.slots.acquire(signal);
		let requestId: string;
		try {
			requestId = await submitJob(session, input, params.retry, signal);
			onSubmitted(requestId);
			await waitForCompletion(session, requestId, params.retry, signal, reportStatus(slot));
		} finally {
			slot.release();
		}
		const result = await fetchResult(session, requestId, params.retry, signal);
		const answer = parseAnswer(ctx.getNode(), result.data, itemIndex, requestId);
		const json = answerToJson(ctx.getNode(), answer, {
			model: input.model,
			requestId: result.requestId || requestId,
			itemIndex,
			format: params.outputFormat,
			invalidJson: params.invalidJson,
		});
		return await addTranscriptOutput(ctx, itemIndex, params, answer, withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } }));
	});
}
