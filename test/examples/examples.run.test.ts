import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, IWorkflowBase } from 'n8n-workflow';

import { repoRoot, runWorkflow, NODE_NAME, OPENROUTER_AUDIO_TRIGGER_TYPE, OPENROUTER_AUDIO_TYPE, startTriggerServer, triggerThen, FIXTURES, submittedBodies, useFalEmulator } from '../tools/harness';
import { routeHttpsToEmulator } from '../tools/emulator/route-https';
import { SEGMENTS_INSTRUCTION, SEGMENTS_INSTRUCTION_NO_SPEAKERS } from '../../nodes/OpenRouterAudio/transcript/segments';

// Each example's OpenRouter Audio node runs with its exact parameters, fed what its upstream node delivers.
const emulator = useFalEmulator();

function exampleNode(file: string, name: string): INode {
	const workflow = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as IWorkflowBase;
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (node?.type !== OPENROUTER_AUDIO_TYPE) throw new Error(`${file} has no OpenRouter Audio node "${name}"`);
	return node;
}

test('first-run example: the sample recording by URL is transcribed with the emulator key alone', async () => {
	const node = exampleNode('manual-analyze-audio.json', 'Transcribe Sample');
	const result = await runWorkflow(triggerThen(node.parameters));
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(submittedBodies(emulator())[0]).toMatchObject({
		audio_url: node.parameters.audioUrl,
		model: 'google/gemini-3-flash-preview',
		prompt: 'Transcribe this audio verbatim.',
	});
	expect(result.items(NODE_NAME)[0].json).toMatchObject({
		output: 'Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.',
		model: 'google/gemini-3-flash-preview',
	});
});

test('Google Drive example: the downloaded file is transcribed with speaker labels and timestamps', async () => {
	const node = exampleNode('google-drive-transcripts-to-sheet.json', 'Transcribe');
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen(node.parameters, [{ id: 'drive-file-1', name: 'standup.mp3' }], {
			binaryFiles: [{ path: `${FIXTURES}/speech.mp3`, fileName: 'standup.mp3', mimeType: 'audio/mpeg' }],
		}),
	});
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(submittedBodies(emulator())[0]).toMatchObject({
		model: 'google/gemini-2.5-flash',
		prompt: 'Transcribe this audio verbatim.\nLabel each speaker as Speaker 1, Speaker 2, and so on.\nStart each segment with its timestamp as [mm:ss].',
	});
	// A binary source is uploaded: the item says when fal deletes the upload (docs/what-fal-keeps.md).
	expect(Object.keys(result.items(NODE_NAME)[0].json)).toEqual(['output', 'usage', 'model', 'requestId', 'audioExpiresAt']);
});

test('form example: the uploaded file, whatever its field name, comes back as transcript and summary', async () => {
	const node = exampleNode('form-upload-transcript.json', 'Transcribe and Summarize');
	emulator().respondWith(() => ({
		output: '```json\n{"transcript": "Hello from the fal emulator", "summary": ["A greeting"]}\n```',
		usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: 0.000001 },
	}));
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen(node.parameters, [{ 'Language of the summary': 'German' }], {
			binaryFiles: [{ path: `${FIXTURES}/speech.m4a`, property: 'Recording' }],
		}),
	});
	expect(result.error(NODE_NAME)).toBeUndefined();
	const [body] = submittedBodies(emulator()) as any[];
	expect(body.prompt).toMatch(/summary of five bullet points in German\.\nAnswer with a single JSON value only/);
	expect(body.temperature).toBe(0.2);
	expect(result.items(NODE_NAME)[0].json.data).toEqual({ transcript: 'Hello from the fal emulator', summary: ['A greeting'] });
});

test('long-audio example: Submit hands fal the execution resume URL; Get Job reads the callback', async () => {
	emulator().setLatency(200);
	const submit = exampleNode('long-audio-webhook.json', 'Submit to fal');
	const submitted = await runWorkflow(triggerThen(submit.parameters, [{ audioUrl: 'https://audio.example/long.mp3' }]));
	const [item] = submitted.items(NODE_NAME);
	expect(item.json.status).toBe('IN_QUEUE');
	const submitRequest = emulator().requestsTo('submit')[0];
	// n8n 2.x signs resume URLs; the signature must survive as part of fal's webhook URL.
	expect(submitRequest?.query.fal_webhook).toMatch(
		new RegExp(`^http://localhost:5678/webhook-waiting/${submitted.executionId}\\?signature=[0-9a-f]{64}$`),
	);

	const job = emulator().jobs.get(String(item.json.requestId))!;
	for (let waited = 0; job.status !== 'COMPLETED' && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
	const getJob = exampleNode('long-audio-webhook.json', 'Get Result');
	// What the Wait node passes on: fal's webhook POST, with the request ID in its body.
	const fetched = await runWorkflow(triggerThen(getJob.parameters, [{ body: { request_id: item.json.requestId, status: 'OK' } }]));
	expect(fetched.items(NODE_NAME)[0].json).toMatchObject({
		requestId: item.json.requestId,
		status: 'COMPLETED',
		output: 'Echo from google/gemini-3-pro-preview: Summarize this audio: a short paragraph, then the key points as a list.',
	});
});

test("long-audio trigger pair: the jobs example's Submit Job, answered through the answers example's trigger as subtitles named after the reference", async () => {
	const answers = JSON.parse(readFileSync(join(repoRoot, 'examples', 'long-audio-trigger-answers.json'), 'utf8')) as IWorkflowBase;
	const trigger = answers.nodes.find((candidate) => candidate.type === OPENROUTER_AUDIO_TRIGGER_TYPE)!;
	const restoreHttps = routeHttpsToEmulator(emulator().url); // n8n fetches fal's keys through https
	const server = await startTriggerServer({ parameters: trigger.parameters });
	try {
		const submit = exampleNode('long-audio-trigger-jobs.json', 'Submit to fal');
		// The example's URL names the answers example's trigger; here that trigger is served on a local port.
		expect(String(submit.parameters.webhookUrl)).toContain(`/webhook/${trigger.webhookId}/openrouter-audio`);
		const submitted = await runWorkflow(
			triggerThen({ ...submit.parameters, webhookUrl: server.url }, [{ fileName: 'standup.mp3', audioUrl: 'https://audio.example/standup.mp3' }]),
		);
		expect(submitted.error(NODE_NAME)).toBeUndefined();
		for (let waited = 0; server.executions.length === 0 && waited < 10_000; waited += 25) await new Promise((r) => setTimeout(r, 25));
		const [[item]] = server.executions;
		expect(item.json).toMatchObject({ reference: 'standup.mp3', requestId: submitted.items(NODE_NAME)[0].json.requestId });
		expect(item.json.error).toBeUndefined();
		expect(item.json.segments).toHaveLength(3);
		expect(item.binary?.subtitles).toMatchObject({ fileName: 'standup.srt' });
	} finally {
		await server.close();
		restoreHttps();
	}
});

// docs/transcripts.md shows this example's item and files as the node produces them against the emulator.
const transcriptsDoc = readFileSync(join(repoRoot, 'docs', 'transcripts.md'), 'utf8');
const fenced = (lang: string, text: string) => `\`\`\`${lang}\n${text}\`\`\``;

test('watched-folder example: the read recording becomes meeting.srt in "subtitles", ready for Write SRT File', async () => {
	const node = exampleNode('watched-folder-subtitles.json', 'Transcribe to Subtitles');
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen(node.parameters, [{ path: '/home/node/.n8n-files/recordings/meeting.mp3' }], {
			binaryFiles: [{ path: `${FIXTURES}/speech.mp3`, fileName: 'meeting.mp3', mimeType: 'audio/mpeg' }],
		}),
	});
	expect(result.error(NODE_NAME)).toBeUndefined();
	const [item] = result.items(NODE_NAME);
	expect(item.json.speakers).toEqual(['Speaker 1', 'Speaker 2']);
	expect(Object.keys(item.binary ?? {})).toEqual(['subtitles']);
	expect(item.binary!.subtitles).toMatchObject({ fileName: 'meeting.srt', mimeType: 'application/x-subrip' });
	expect((await result.binaryBuffer(item.binary!.subtitles)).toString('utf8')).toBe(
		'1\n00:00:00,000 --> 00:00:02,500\nSpeaker 1: Echo from google/gemini-2.5-flash.\n\n' +
			'2\n00:00:02,500 --> 00:00:05,250\nSpeaker 2: Transcribe this audio verbatim.\n\n' +
			'3\n00:00:05,250 --> 00:01:02,345\nSpeaker 1: Thanks & bye <3\n',
	);
	expect(transcriptsDoc).toContain(fenced('srt', (await result.binaryBuffer(item.binary!.subtitles)).toString('utf8')));
	// The page's item: everything but the request ID and the upload's expiry, which are new on every run.
	expect(Date.parse(String(item.json.audioExpiresAt))).toBeGreaterThan(Date.now());
	const shown = JSON.stringify({ ...item.json, requestId: 'REQUEST_ID', audioExpiresAt: 'EXPIRES_AT' }, null, 2);
	const inPage = /```json\n(\{\n {2}"output": "\{\\"segments[\s\S]*?)\n```/.exec(transcriptsDoc)?.[1];
	expect(
		inPage
			?.replace(/"requestId": "[0-9a-f-]{36}"/, '"requestId": "REQUEST_ID"')
			.replace(/"audioExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/, '"audioExpiresAt": "EXPIRES_AT"'),
	).toBe(shown);
});

test('docs/transcripts.md shows both Segments instructions exactly as appended, and the VTT the example would write', async () => {
	expect(transcriptsDoc).toContain(fenced('text', `${SEGMENTS_INSTRUCTION}\n`));
	expect(transcriptsDoc).toContain(fenced('text', `${SEGMENTS_INSTRUCTION_NO_SPEAKERS}\n`));
	const node = exampleNode('watched-folder-subtitles.json', 'Transcribe to Subtitles');
	const parameters = { ...node.parameters, options: { ...(node.parameters.options as object), putOutputInFile: 'vtt' } };
	const result = await runWorkflow(
		triggerThen(parameters, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.mp3`, fileName: 'meeting.mp3' }] }),
	);
	const [item] = result.items(NODE_NAME);
	expect(transcriptsDoc).toContain(fenced('vtt', (await result.binaryBuffer(item.binary!.subtitles)).toString('utf8')));
});
