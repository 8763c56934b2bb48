import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveAudioUrl } from '../audio/resolve';
import { answerToJson, parseAnswer, type OutputFormat } from '../output/answer';
import { withBinary } from '../output/keepBinary';
import { addTranscriptOutput } from '../output/transcriptOutput';
import { tokenLimit } from '../output/truncation';
import { readJobParams } from '../params/job';
import { scrubError } from '../errors/redact';
import { JobLifecycle } from '../job/lifecycle';
import { RememberedItem, requestFingerprint } from '../job/reuse';
import type { Result } from '../transport/fal';
import { audioFields, modelField, optionsCollection, taskFields, transcriptFields } from './descriptions';
import type { ItemRun } from './item';

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
	const { ctx, itemIndex } = run;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const params = readJobParams(ctx, itemIndex, (options.outputFormat as OutputFormat) ?? 'text');
	const job = new JobLifecycle(run, params, params.retry);
	const request = params.request;
	const deliver = async (result: Result<unknown>) => {
		const requestId = job.requestId!;
		// The answer is fal's text: should it echo the key, the key still never reaches an output item, its
		// segments, a file or an error made from it.
		const answer = scrubError(parseAnswer(ctx.getNode(), result.data, itemIndex, requestId), job.session.apiKey);
		const json = answerToJson(ctx.getNode(), answer, {
			model: request.model,
			requestId: result.requestId || requestId,
			itemIndex,
			format: params.outputFormat,
			invalidJson: params.invalidJson,
			// Segments judge a cut-off answer by its JSON (output/transcriptOutput.ts).
			tokenLimit: params.transcript.output === 'segments' ? undefined : tokenLimit(answer.usage, request.max_tokens),
		});
		return await addTranscriptOutput(ctx, itemIndex, params, answer, withBinary(ctx, itemIndex, params.keepBinary, { json, pairedItem: { item: itemIndex } }));
	};
	return await job.execute(async () => {
		// A retry of the node (Retry On Fail) takes over the job an earlier try gave this item.
		const reused = await job.reuse(new RememberedItem(ctx, itemIndex, requestFingerprint(ctx, itemIndex, params)));
		if (!reused) {
			const audioUrl = await job.upload(async (session, signal) => await resolveAudioUrl(ctx, session, itemIndex, params, signal));
			await job.submit({ audio_url: audioUrl, ...request });
		}
		await job.waitForCompletion();
		return await deliver(await job.result());
	}, deliver);
}
