// Against the real fal, with the key in FAL_KEY (test/live/run.mjs): the first-run example and a Segments
// transcript of a binary file (fal's storage upload), each printing what its job cost. Nothing here routes
// fal's hosts anywhere: no emulator, no preload; every request goes to fal.ai.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, IWorkflowBase } from 'n8n-workflow';

import { FIXTURES, NODE_NAME, OPENROUTER_AUDIO_TYPE, repoRoot, runWorkflow, triggerThen } from '../tools/harness';

const FAL_KEY = process.env.FAL_KEY ?? '';
const billed: Array<{ what: string; cost: number | null; requestId: string }> = [];

function exampleNode(file: string, name: string): INode {
	const workflow = JSON.parse(readFileSync(join(repoRoot, 'examples', file), 'utf8')) as IWorkflowBase;
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (node?.type !== OPENROUTER_AUDIO_TYPE) throw new Error(`${file} has no OpenRouter Audio node "${name}"`);
	return node;
}

async function runLive(what: string, workflow: ReturnType<typeof triggerThen>) {
	const result = await runWorkflow({ ...workflow, credentials: { falApi: { apiKey: FAL_KEY } }, timeoutMs: 540_000 });
	const [item] = result.items(NODE_NAME);
	if (item) {
		const cost = (item.json.usage as { cost?: number | null } | null)?.cost;
		billed.push({ what, cost: typeof cost === 'number' ? cost : null, requestId: String(item.json.requestId) });
	}
	expect(result.error(NODE_NAME)?.message).toBeUndefined();
	return { item, result };
}

beforeAll(() => {
	if (!FAL_KEY) throw new Error('FAL_KEY is not set: run this through `npm run test:live`');
	if (process.env.FAL_EMULATOR_URL || /preload/.test(process.env.NODE_OPTIONS ?? '')) {
		throw new Error('fal is routed to an emulator here: the live check talks to the real fal only');
	}
});

// Printed plainly (not console.log, which jest decorates), also when a check failed after its job ran.
afterAll(() => {
	if (!billed.length) return;
	const lines = billed.map((job) => `  ${job.what}: ${job.cost ?? 'not reported'} (request ${job.requestId})`);
	const total = billed.reduce((sum, job) => sum + (job.cost ?? 0), 0);
	process.stdout.write(`\ntest:live: what fal billed (usage.cost, USD)\n${lines.join('\n')}\n  total: ${Number(total.toFixed(6))}\n`);
});

test('first-run example: fal transcribes its own sample recording by URL', async () => {
	const node = exampleNode('manual-analyze-audio.json', 'Transcribe Sample');
	const { item } = await runLive('first-run example', triggerThen(node.parameters));
	expect(typeof item.json.output).toBe('string');
	expect(String(item.json.output).trim().length).toBeGreaterThan(0);
	expect(billed.at(-1)?.cost).toEqual(expect.any(Number));
});

test('Segments transcript: a binary recording uploaded to fal storage comes back as timed segments and SRT', async () => {
	const node = exampleNode('watched-folder-subtitles.json', 'Transcribe to Subtitles');
	const { item, result } = await runLive(
		'Segments transcript',
		triggerThen(node.parameters, [{}], {
			binaryFiles: [{ path: `${FIXTURES}/speech.mp3`, fileName: 'meeting.mp3', mimeType: 'audio/mpeg' }],
		}),
	);
	// The fixture says "Hello from the fal emulator" (espeak-ng).
	const segments = item.json.segments as Array<{ start: number; end: number; text: string }>;
	expect(segments.length).toBeGreaterThan(0);
	expect(segments.map((segment) => segment.text).join(' ')).toMatch(/hello/i);
	const srt = (await result.binaryBuffer(item.binary!.subtitles)).toString('utf8');
	expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
});
