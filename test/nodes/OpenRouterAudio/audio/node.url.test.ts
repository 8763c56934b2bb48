import { readFileSync } from 'node:fs';

import { runWorkflow, NODE_NAME, triggerThen, defaultAnswer, FIXTURES, submittedBodies, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();
const AUDIO = 'https://storage.example.com/calls/monday.mp3';
const WAV = readFileSync(`${FIXTURES}/speech.wav`);
const MP3 = readFileSync(`${FIXTURES}/speech.mp3`);
const FLAC = readFileSync(`${FIXTURES}/speech.flac`);

describe('OpenRouter Audio with a URL, through the n8n engine', () => {
	test('defaults: one request with the task prompt and default model, one output item', async () => {
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO }));

		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(submittedBodies(emulator())).toEqual([
			{ audio_url: AUDIO, prompt: 'Transcribe this audio verbatim.', model: 'google/gemini-3-flash-preview' },
		]);
		const submit = emulator().requestsTo('submit')[0];
		expect(submit?.headers.authorization).toBe('Key test-key');

		const [item] = result.items(NODE_NAME);
		const [requestId] = [...emulator().jobs.keys()];
		expect(item.json).toEqual({
			output: 'Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.',
			usage: { prompt_tokens: 131, completion_tokens: 72, total_tokens: 203, cost: 0.0002 },
			model: 'google/gemini-3-flash-preview',
			requestId,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('completion comes from the status stream, not from polling', async () => {
		await runWorkflow(triggerThen({ audioUrl: AUDIO }));
		const routes = emulator().requests.map((request) => request.route);
		expect(routes).toEqual(['submit', 'stream', 'result']);
	});

	test('every option reaches fal under its endpoint name', async () => {
		const result = await runWorkflow(
			triggerThen({
				audioUrl: AUDIO,
				task: 'custom',
				prompt: 'Who is speaking?',
				model: { __rl: true, mode: 'id', value: 'google/gemini-2.5-flash' },
				options: { systemPrompt: 'You are precise.', reasoning: true, temperature: 0.3, maxTokens: 256 },
			}),
		);
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(submittedBodies(emulator())).toEqual([
			{
				audio_url: AUDIO,
				prompt: 'Who is speaking?',
				model: 'google/gemini-2.5-flash',
				system_prompt: 'You are precise.',
				reasoning: true,
				temperature: 0.3,
				max_tokens: 256,
			},
		]);
		expect(result.items(NODE_NAME)[0].json.model).toBe('google/gemini-2.5-flash');
	});

	test('a data: URI that is right already is passed to fal unchanged', async () => {
		const dataUri = `data:audio/wav;base64,${WAV.toString('base64')}`;
		const result = await runWorkflow(triggerThen({ audioUrl: dataUri }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(submittedBodies(emulator())[0]).toMatchObject({ audio_url: dataUri });
	});

	// Each is judged by its bytes; fal gets `data:<detected type>;base64,<padded standard base64>`.
	test.each([
		['a wrong MIME type', `data:text/plain;base64,${WAV.toString('base64')}`, WAV, 'audio/wav'],
		['no MIME type', `data:;base64,${MP3.toString('base64')}`, MP3, 'audio/mpeg'],
		['an audio MIME type of another format', `data:audio/mpeg;base64,${FLAC.toString('base64')}`, FLAC, 'audio/flac'],
		['unpadded base64', `data:audio/mpeg;base64,${MP3.toString('base64').replace(/=+$/, '')}`, MP3, 'audio/mpeg'],
		['URL-safe base64', `data:audio/wav;base64,${WAV.toString('base64url')}`, WAV, 'audio/wav'],
		['base64 wrapped over lines', `data:audio/wav;base64,${WAV.toString('base64').replace(/(.{76})/g, '$1\n')}`, WAV, 'audio/wav'],
		['percent-encoded bytes', `data:audio/mpeg,${[...MP3].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`, MP3, 'audio/mpeg'],
	])('a data: URI with %s is sent as base64 under its detected type', async (_, dataUri, bytes, mimeType) => {
		expect(MP3.toString('base64')).toMatch(/=$/); // so "unpadded" really drops padding
		const result = await runWorkflow(triggerThen({ audioUrl: dataUri }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		const sent = (submittedBodies(emulator())[0] as { audio_url: string }).audio_url;
		expect(sent).toBe(`data:${mimeType};base64,${bytes.toString('base64')}`);
		expect(Buffer.from(sent.slice(sent.indexOf(',') + 1), 'base64')).toEqual(bytes);
	});

	test('several items: parameters are read per item by expression, output keeps input order', async () => {
		const inputs = [
			{ url: 'https://a.example/1.mp3', q: 'First?' },
			{ url: 'https://a.example/2.mp3', q: 'Second?' },
			{ url: 'https://a.example/3.mp3', q: 'Third?' },
		];
		const result = await runWorkflow(
			triggerThen({ audioUrl: '={{ $json.url }}', task: 'custom', prompt: '={{ $json.q }}' }, inputs),
		);
		const items = result.items(NODE_NAME);
		expect(items.map((item) => item.json.output)).toEqual(
			inputs.map((input) => defaultAnswer({ model: 'google/gemini-3-flash-preview', prompt: input.q }).output),
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(submittedBodies(emulator()).map((body: any) => body.audio_url).sort()).toEqual(inputs.map((input) => input.url));
	});

	test('tasks add their instructions to the editable prompt', async () => {
		await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'transcribe', speakerLabels: true, timestamps: true }));
		await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'translate', targetLanguage: 'German' }));
		await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'summarize' }));
		expect(submittedBodies(emulator()).map((body: any) => body.prompt)).toEqual([
			'Transcribe this audio verbatim.\nLabel each speaker as Speaker 1, Speaker 2, and so on.\nStart each segment with its timestamp as [mm:ss].',
			'Translate the speech in this audio.\nTarget language: German.',
			'Summarize this audio: a short paragraph, then the key points as a list.',
		]);
	});

	test('JSON output: the answer is parsed into data, code fences stripped', async () => {
		emulator().respondWith(() => ({
			output: '```json\n{"speakers": ["Ana", "Ben"]}\n```',
			usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost: 0.00001 },
		}));
		const result = await runWorkflow(
			triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'List the speakers.', options: { outputFormat: 'json' } }),
		);
		expect(submittedBodies(emulator())[0]).toMatchObject({
			prompt: 'List the speakers.\nAnswer with a single JSON value only, without code fences or any other text.',
		});
		expect(result.items(NODE_NAME)[0].json).toMatchObject({ data: { speakers: ['Ana', 'Ben'] } });
	});

	test('JSON output with the emulator\'s default answer: the model answers JSON, parsed into data', async () => {
		const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'List the speakers.', options: { outputFormat: 'json' } }));
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(result.items(NODE_NAME)[0].json.data).toEqual({ answer: expect.stringMatching(/^Echo from .+: List the speakers\.$/) });
	});

	test('JSON output that does not parse fails the item, or is kept raw when chosen', async () => {
		emulator().respondWith(() => ({ output: 'Two people talk about the weather.', usage: {} }));
		const json = { audioUrl: AUDIO, task: 'custom', prompt: 'Who talks?' };
		const failing = await runWorkflow(triggerThen({ ...json, options: { outputFormat: 'json' } }));
		expect(failing.error(NODE_NAME)?.message).toBe("The model's answer is not valid JSON [item 0]");

		const kept = await runWorkflow(triggerThen({ ...json, options: { outputFormat: 'json', invalidJson: 'keepRaw' } }));
		expect(kept.items(NODE_NAME)[0].json).toMatchObject({ output: 'Two people talk about the weather.', data: null });
		expect(kept.items(NODE_NAME)[0].json.jsonError).toMatch(/JSON/);
	});
});
