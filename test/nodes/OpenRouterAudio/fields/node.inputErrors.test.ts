import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { type BinaryFileSpec, runWorkflow, NODE_NAME, triggerThen, FIXTURES, submittedBodies, useFalEmulator } from '../../../tools/harness';
import type { FalEmulator } from '../../../tools/emulator';

const emulator = useFalEmulator();

// Each case makes item 1 of three bad; items 0 and 2 are good. `pick` gives a parameter that differs per item.
const pick = (good: unknown, bad: unknown) => `={{ $json.bad ? ${JSON.stringify(bad)} : ${JSON.stringify(good)} }}`;
const URL_OK = 'https://audio.example/ok.mp3';
const BAD_PROMPT = 'BAD item';

interface Case {
	name: string;
	params: INodeParameters;
	files?: (itemIndex: number, bad: boolean) => BinaryFileSpec[];
	/** Server-side failure for the bad item only. */
	setup?: (emulator: FalEmulator) => void;
	/** Checked locally, so the bad item never causes a request. */
	local: boolean;
	message: RegExp;
	/** What a good item's output has (Submit Job answers with a request ID). */
	goodKey?: string;
}

const binaryFile = (good: string, bad: string) => (itemIndex: number, isBad: boolean) => [
	{ path: isBad && bad.startsWith('/') ? bad : `${FIXTURES}/${isBad ? bad : good}`, itemIndex },
];

// Audio files that are all header: recognised by their signature, with nothing to listen to.
const ID3_ONLY = Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1');
const BARE_RIFF = readFileSync(`${FIXTURES}/speech.wav`).subarray(0, 12);
const headerDir = mkdtempSync(join(tmpdir(), 'header-only-'));
const HEADER_ONLY = {
	id3: join(headerDir, 'tag-only.mp3'),
	riff: join(headerDir, 'header-only.wav'),
	ogg: join(headerDir, 'headers-only.ogg'),
};
writeFileSync(HEADER_ONLY.id3, ID3_ONLY);
writeFileSync(HEADER_ONLY.riff, BARE_RIFF);
writeFileSync(HEADER_ONLY.ogg, readFileSync(`${FIXTURES}/speech.ogg`).subarray(0, 2620));
// Over "Max File Size (MB)" at its smallest, 1 MB (the field's minimum, which the run enforces too).
const OVER_1_MB = Buffer.concat([readFileSync(`${FIXTURES}/speech.wav`), Buffer.alloc(1.5 * 1024 * 1024)]);
const OVER_1_MB_FILE = join(headerDir, 'over-1-mb.wav');
writeFileSync(OVER_1_MB_FILE, OVER_1_MB);
const badJob = (emulator: FalEmulator, path: string) =>
	[...emulator.jobs.values()].some((job: any) => path.includes(job.requestId) && job.input?.prompt === BAD_PROMPT);
const badPrompt = { task: 'custom', prompt: pick('Fine.', BAD_PROMPT) };

const cases: Case[] = [
	{ name: 'empty prompt', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', '') }, local: true, message: /^The "Prompt" field is empty/ },
	{ name: 'whitespace prompt', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', '  \n\t ') }, local: true, message: /^The "Prompt" field is empty/ },
	{ name: 'temperature -1', params: { audioUrl: URL_OK, options: { temperature: pick(0.5, -1) } }, local: true, message: /^The "Temperature" option is -1, which is not allowed/ },
	{ name: 'temperature 2.5', params: { audioUrl: URL_OK, options: { temperature: pick(0.5, 2.5) } }, local: true, message: /^The "Temperature" option is 2\.5/ },
	{ name: 'temperature not a number', params: { audioUrl: URL_OK, options: { temperature: pick(0.5, 'warm') } }, local: true, message: /^The "Temperature" option is "warm"/ },
	{ name: 'max tokens 0', params: { audioUrl: URL_OK, options: { maxTokens: pick(100, 0) } }, local: true, message: /^The "Max Tokens" option is 0/ },
	{ name: 'max tokens 1.5', params: { audioUrl: URL_OK, options: { maxTokens: pick(100, 1.5) } }, local: true, message: /^The "Max Tokens" option is 1\.5/ },
	{ name: 'empty model', params: { audioUrl: URL_OK, model: { __rl: true, mode: 'id', value: pick('google/gemini-2.5-flash', '') } }, local: true, message: /^The "Model" field is empty/ },
	{ name: 'a model ID with spaces (By ID)', params: { audioUrl: URL_OK, model: { __rl: true, mode: 'id', value: pick('google/gemini-2.5-flash', 'google/gemini 2.5 flash') } }, local: true, message: /^The "Model" field is not a model ID of the form vendor\/model: "google\/gemini 2\.5 flash"/ },
	{ name: 'a model ID without vendor (From List, by expression)', params: { audioUrl: URL_OK, model: { __rl: true, mode: 'list', value: pick('google/gemini-2.5-flash', 'gemini-2.5-flash') } }, local: true, message: /^The "Model" field is not a model ID of the form vendor\/model: "gemini-2\.5-flash"/ },
	{ name: 'a model ID that is a number', params: { audioUrl: URL_OK, model: { __rl: true, mode: 'id', value: pick('google/gemini-2.5-flash', 25) } }, local: true, message: /^The "Model" field is a number, not a model ID/ },
	{ name: 'a prompt that is a number', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', 42) }, local: true, message: /^The "Prompt" field is a number, not text/ },
	{ name: 'a prompt that is an object', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', { q: 1 }) }, local: true, message: /^The "Prompt" field is an object, not text/ },
	{ name: 'a prompt that is an array', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', ['a', 'b']) }, local: true, message: /^The "Prompt" field is an array, not text/ },
	{ name: 'a prompt that is a boolean', params: { audioUrl: URL_OK, task: 'custom', prompt: pick('Fine.', true) }, local: true, message: /^The "Prompt" field is a boolean, not text/ },
	{ name: 'a system prompt that is a number', params: { audioUrl: URL_OK, options: { systemPrompt: pick('Be brief.', 7) } }, local: true, message: /^The "System Prompt" option is a number, not text/ },
	{ name: 'a system prompt that is an object', params: { audioUrl: URL_OK, options: { systemPrompt: pick('Be brief.', { role: 'x' }) } }, local: true, message: /^The "System Prompt" option is an object, not text/ },
	{ name: 'temperature "0x1"', params: { audioUrl: URL_OK, options: { temperature: pick('0.5', '0x1') } }, local: true, message: /^The "Temperature" option is "0x1", which is not a number/ },
	{ name: 'temperature NaN', params: { audioUrl: URL_OK, options: { temperature: '={{ $json.bad ? NaN : 0.5 }}' } }, local: true, message: /^The "Temperature" option is NaN, which is not a number/ },
	{ name: 'max tokens "1e3x"', params: { audioUrl: URL_OK, options: { maxTokens: pick('100', '1e3x') } }, local: true, message: /^The "Max Tokens" option is "1e3x", which is not a number/ },
	{ name: 'max tokens " "', params: { audioUrl: URL_OK, options: { maxTokens: pick(100, ' ') } }, local: true, message: /^The "Max Tokens" option is " ", which is not a number/ },
	{ name: 'max retries "Infinity"', params: { audioUrl: URL_OK, options: { maxRetries: pick('2', 'Infinity') } }, local: true, message: /^The "Max Retries" option is "Infinity", which is not a number/ },
	{ name: 'a webhook URL that is not a URL (Submit Job)', params: { operation: 'submit', audioUrl: URL_OK, webhookUrl: pick('https://n8n.example/webhook/done', 'n8n.example/webhook/done') }, local: true, goodKey: 'requestId', message: /^The "Webhook URL" field is not a valid URL: "n8n\.example\/webhook\/done"/ },
	{ name: 'a webhook URL with spaces (Submit Job)', params: { operation: 'submit', audioUrl: URL_OK, webhookUrl: pick('https://n8n.example/webhook/done', 'https://n8n.example/web hook') }, local: true, goodKey: 'requestId', message: /^The "Webhook URL" field is not a valid URL/ },
	{ name: 'an ftp: webhook URL (Submit Job)', params: { operation: 'submit', audioUrl: URL_OK, webhookUrl: pick('https://n8n.example/webhook/done', 'ftp://n8n.example/done') }, local: true, goodKey: 'requestId', message: /^The "Webhook URL" field uses "ftp:", but fal can only post to http\(s\) URLs/ },
	{ name: 'empty target language', params: { audioUrl: URL_OK, task: 'translate', targetLanguage: pick('German', ' ') }, local: true, message: /^The "Target Language" field is empty/ },
	{ name: 'an audio source that is neither URL nor binary', params: { audioSource: pick('url', 'ftp'), audioUrl: URL_OK }, local: true, message: /^The "Audio Source" field is "ftp"/ },
	{ name: 'empty audio URL', params: { audioUrl: pick(URL_OK, '') }, local: true, message: /^The "Audio URL" field is empty/ },
	{ name: 'a file: URL', params: { audioUrl: pick(URL_OK, 'file:///home/me/call.mp3') }, local: true, message: /^The "Audio URL" field uses "file:", which fal cannot fetch/ },
	{ name: 'an ftp: URL', params: { audioUrl: pick(URL_OK, 'ftp://files.example/call.mp3') }, local: true, message: /^The "Audio URL" field uses "ftp:"/ },
	{ name: 'not a URL at all', params: { audioUrl: pick(URL_OK, 'call.mp3') }, local: true, message: /^The "Audio URL" field is not a valid URL: "call\.mp3"/ },
	{ name: 'a percent-encoded data URI cut off in its header', params: { audioUrl: pick(URL_OK, 'data:audio/wav,RIFF') }, local: true, message: /^The data URI in "Audio URL" contains a RIFF header cut off after 4 bytes, not audio fal accepts/ },
	{ name: 'a data URI with a broken percent-encoding', params: { audioUrl: pick(URL_OK, 'data:audio/wav,RIFF%ZZ') }, local: true, message: /^The "Audio URL" field holds a data URI with a broken percent-encoding/ },
	{ name: 'a data URI holding text under an audio MIME type', params: { audioUrl: pick(URL_OK, `data:audio/mpeg;base64,${Buffer.from('hello, this is not audio').toString('base64')}`) }, local: true, message: /^The data URI in "Audio URL" contains plain text, not audio fal accepts/ },
	{ name: 'a data URI holding unpadded base64 text', params: { audioUrl: pick(URL_OK, 'data:text/plain;base64,aGVsbG8') }, local: true, message: /^The data URI in "Audio URL" contains plain text, not audio fal accepts/ },
	{ name: 'a data URI holding an ID3 tag alone', params: { audioUrl: pick(URL_OK, `data:audio/mpeg;base64,${ID3_ONLY.toString('base64')}`) }, local: true, message: /^The data URI in "Audio URL" contains no audio after its ID3 tag/ },
	{ name: 'a data URI holding a bare RIFF header', params: { audioUrl: pick(URL_OK, `data:audio/wav;base64,${BARE_RIFF.toString('base64')}`) }, local: true, message: /^The data URI in "Audio URL" contains no audio after its WAV header/ },
	{ name: 'an audio URL that is a number', params: { audioUrl: pick(URL_OK, 7) }, local: true, message: /^The "Audio URL" field is a number, not a URL/ },
	{ name: 'a data URI over the size limit', params: { audioUrl: pick(URL_OK, `data:audio/wav;base64,${OVER_1_MB.toString('base64')}`), options: { maxFileSizeMb: 1 } }, local: true, message: /^The audio is 1\.5 MB, over the 1\.0 MB limit/ },
	{ name: 'binary: an ID3 tag alone', params: { audioSource: 'binary' }, files: binaryFile('speech.wav', HEADER_ONLY.id3), local: true, message: /^"tag-only\.mp3" contains no audio after its ID3 tag \(field "Input Binary Field"\)/ },
	{ name: 'binary: a bare RIFF/WAVE header', params: { audioSource: 'binary' }, files: binaryFile('speech.mp3', HEADER_ONLY.riff), local: true, message: /^"header-only\.wav" contains no audio after its WAV header/ },
	{ name: 'binary: an Ogg stream with headers only', params: { audioSource: 'binary' }, files: binaryFile('speech.flac', HEADER_ONLY.ogg), local: true, message: /^"headers-only\.ogg" contains no audio after its Ogg headers/ },
	{ name: 'a data URI with broken base64', params: { audioUrl: pick(URL_OK, 'data:audio/wav;base64,@@not base64@@') }, local: true, message: /data URI whose data is not valid base64/ },
	{ name: 'a data URI holding an image', params: { audioUrl: pick(URL_OK, 'data:audio/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk') }, local: true, message: /contains a PNG image, not audio fal accepts/ },
	{ name: 'missing binary property', params: { audioSource: 'binary', binaryPropertyName: pick('data', 'audio') }, files: binaryFile('speech.wav', 'speech.wav'), local: true, message: /^The input item has no binary property "audio" \(field "Input Binary Field"\)/ },
	{ name: 'binary video', params: { audioSource: 'binary' }, files: binaryFile('speech.wav', 'video.mp4'), local: true, message: /"video\.mp4" is an MP4\/QuickTime video .*not a supported audio format/ },
	{ name: 'binary webm/opus', params: { audioSource: 'binary' }, files: binaryFile('speech.mp3', 'speech.webm'), local: true, message: /"speech\.webm" is a WebM\/Matroska file/ },
	{ name: 'binary image', params: { audioSource: 'binary' }, files: binaryFile('speech.ogg', 'image.png'), local: true, message: /"image\.png" is a PNG image/ },
	{ name: 'binary empty file', params: { audioSource: 'binary' }, files: binaryFile('speech.flac', 'empty.bin'), local: true, message: /"empty\.bin" is an empty file \(0 bytes\)/ },
	{ name: 'binary over the size limit', params: { audioSource: 'binary', options: { maxFileSizeMb: pick(2, 1) } }, files: binaryFile('speech.wav', OVER_1_MB_FILE), local: true, message: /^The audio is 1\.5 MB, over the 1\.0 MB limit/ },
	{
		name: 'fal 422 on the result',
		params: { audioUrl: URL_OK, ...badPrompt },
		setup: (emu) => emu.respondWith((input) => (input.prompt === BAD_PROMPT
			? { error: { status: 422, body: { detail: [{ loc: ['body', 'audio_url'], msg: 'Audio could not be decoded', type: 'value_error' }] } } }
			: { output: 'ok', usage: {} })),
		local: false,
		message: /^fal rejected the input: "Audio URL" \/ "Input Binary Field": Audio could not be decoded \(HTTP 422 from queue\.fal\.run\)/,
	},
	{
		name: 'fal 500 that outlasts the retries',
		params: { audioUrl: URL_OK, ...badPrompt, options: { maxRetries: 1 } },
		setup: (emu) => emu.fault({ route: 'result', status: 500, body: { detail: 'model crashed' }, times: Infinity, match: (req) => badJob(emu, req.path) }),
		local: false,
		message: /^fal failed to process the request: model crashed \(HTTP 500 from queue\.fal\.run\)/,
	},
	{
		name: 'a result that is not JSON',
		params: { audioUrl: URL_OK, ...badPrompt },
		setup: (emu) => emu.fault({ route: 'result', status: 200, text: '<html>Bad gateway</html>', times: Infinity, match: (req) => badJob(emu, req.path) }),
		local: false,
		message: /^fal returned a result that is not a JSON object/,
	},
	{
		name: 'a result without output',
		params: { audioUrl: URL_OK, ...badPrompt },
		setup: (emu) => emu.respondWith((input) => (input.prompt === BAD_PROMPT ? { output: undefined, usage: {} } : { output: 'ok' })),
		local: false,
		message: /^fal returned a result without "output" text/,
	},
];

describe.each(cases)('bad input: $name', ({ params, files, setup, local, message, goodKey = 'output' }) => {
	test('Continue On Fail: the bad item becomes an error item, the others complete', async () => {
		setup?.(emulator());
		const items = [{ bad: false }, { bad: true }, { bad: false }];
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen(params, items, {
				continueOnFail: true,
				binaryFiles: files ? items.flatMap((item, index) => files(index, item.bad)) : undefined,
			}),
		});
		const output = result.items(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json.error).toMatch(message);
		expect(output[1].json.error).toMatch(/\[item 1\]$/);
		expect(Object.keys(output[1].json)).toEqual(['error']);
		for (const good of [output[0], output[2]]) {
			expect(good.json.error).toBeUndefined();
			expect(typeof good.json[goodKey]).toBe('string');
		}
		if (local) expect(submittedBodies(emulator())).toHaveLength(2);
	});

	test('without Continue On Fail the node fails with that message', async () => {
		setup?.(emulator());
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen(params, [{ bad: true }], { binaryFiles: files?.(0, true) }),
		});
		expect(result.run.status).toBe('error');
		expect(result.error(NODE_NAME)?.message).toMatch(message);
		expect(result.error(NODE_NAME)?.message).toMatch(/\[item 0\]$/);
		if (local) expect(emulator().requests).toEqual([]);
	});
});

test('there are at least 20 bad inputs', () => {
	expect(cases.length).toBeGreaterThanOrEqual(20);
});

test('a bad option on the first item fails that item alone under Continue On Fail: it is read within the item', async () => {
	const items = [{ bad: true }, { bad: false }];
	const result = await runWorkflow(triggerThen({ audioUrl: URL_OK, options: { maxRetries: pick(2, 11) } }, items, { continueOnFail: true }));
	const [bad, good] = result.items(NODE_NAME);
	expect(bad.json.error).toBe('The "Max Retries" option is 11, which is not allowed [item 0]');
	expect(typeof good.json.output).toBe('string');
	expect(submittedBodies(emulator())).toHaveLength(1);
});
