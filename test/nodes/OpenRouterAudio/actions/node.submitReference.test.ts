/** Submit Job's Reference and Answer Format, and the ticket it signs into an OpenRouter Audio Trigger's URL. */
import { readTicket } from '../../../../nodes/OpenRouterAudio/webhook/reference';
import { NODE_NAME, runWorkflow, submittedBodies, triggerThen, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();
const AUDIO = 'https://audio.example/long-meeting.mp3';
const TRIGGER_URL = 'https://n8n.example/webhook/4b7e/openrouter-audio';

const webhookOf = () => emulator().requestsTo('submit')[0]?.query.fal_webhook;

test("a trigger URL gets the signed reference, model and max_tokens; the item carries the reference", async () => {
	const result = await runWorkflow(
		triggerThen({ operation: 'submit', audioUrl: AUDIO, webhookUrl: TRIGGER_URL, reference: '={{ $json.row }}', options: { maxTokens: 800 } }, [{ row: 17 }]),
	);
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)[0].json).toMatchObject({ status: 'IN_QUEUE', reference: '17' });
	const sent = new URL(webhookOf()!);
	expect(`${sent.origin}${sent.pathname}`).toBe(TRIGGER_URL);
	expect(readTicket(Object.fromEntries(sent.searchParams), 'test-key')).toEqual({ reference: '17', model: 'google/gemini-3-flash-preview', maxTokens: 800 });
	expect(readTicket(Object.fromEntries(sent.searchParams), 'another-key')).toMatch(/does not match/);
});

test('other webhook URLs (a Wait node, a Webhook node) are sent exactly as written', async () => {
	const url = 'https://n8n.example/webhook-waiting/12?signature=abc';
	await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, webhookUrl: url }));
	expect(webhookOf()).toBe(url);
});

describe('bad input fails the item before anything is sent', () => {
	const cases = [
		{ name: 'a Reference without a trigger URL', params: { webhookUrl: 'https://n8n.example/webhook/fal-done', reference: 'a.mp3' }, message: /^The "Reference" field is set but "Webhook URL" is not an OpenRouter Audio Trigger's URL \[item 0\]$/ },
		{ name: 'a Reference without any webhook URL', params: { reference: 'a.mp3' }, message: /^The "Reference" field is set but "Webhook URL" is empty \[item 0\]$/ },
		{ name: 'a Reference that is an object', params: { webhookUrl: TRIGGER_URL, reference: '={{ { a: 1 } }}' }, message: /^The "Reference" field is an object, not text \[item 0\]$/ },
		{ name: 'a Reference over 1000 characters', params: { webhookUrl: TRIGGER_URL, reference: 'x'.repeat(1001) }, message: /^The "Reference" field is 1001 characters long \[item 0\]$/ },
		{ name: 'a trigger URL that already has a ticket parameter', params: { webhookUrl: `${TRIGGER_URL}?model=x` }, message: /^The "Webhook URL" already has the query parameter "model" \[item 0\]$/ },
		{ name: 'Answer Format Segments for a summary', params: { task: 'summarize', options: { answerFormat: 'segments' } }, message: /^The "Answer Format" option is Segments, but the task is not Transcribe \[item 0\]$/ },
	];
	test.each(cases)('$name', async ({ params, message }) => {
		const result = await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, ...params }));
		expect(result.error(NODE_NAME)?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});
});

test("Answer Format asks for JSON or Segments with Analyze's own instructions", async () => {
	await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, options: { answerFormat: 'json' } }));
	await runWorkflow(triggerThen({ operation: 'submit', audioUrl: AUDIO, options: { answerFormat: 'segments' } }));
	await runWorkflow(triggerThen({ operation: 'analyze', audioUrl: AUDIO, transcriptOutput: 'segments' }));
	const [json, segments, analyzeSegments] = submittedBodies(emulator()) as Array<{ prompt: string }>;
	expect(json.prompt).toBe('Transcribe this audio verbatim.\nAnswer with a single JSON value only, without code fences or any other text.');
	expect(segments.prompt).toBe(analyzeSegments.prompt);
});
