import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runWorkflow, useS3Server, BINARY_NAME, NODE_NAME, triggerThen, FIXTURES, submittedBodies, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();
const s3 = useS3Server();
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('OpenRouter Audio with binary input, through the n8n engine', () => {
	// In s3 mode the audio lives in the (fake) S3 bucket and the node reads it from there to upload it.
	test.each(['filesystem', 'default', 's3'] as const)(
		'%s binary mode: the file is uploaded once as bytes, then sent by its fal URL',
		async (binaryMode) => {
			const path = `${FIXTURES}/speech.wav`;
			const result = await runWorkflow({
				binaryMode,
				...(binaryMode === 's3' ? { s3: s3() } : {}),
				...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path, mimeType: 'audio/wav' }] }),
			});
			expect(result.error(NODE_NAME)).toBeUndefined();
			const binary = result.items(BINARY_NAME)[0].binary!.data;
			expect(binary.id?.split(':')[0]).toBe({ filesystem: 'filesystem-v2', default: undefined, s3: 's3' }[binaryMode]);
			if (binaryMode === 's3') {
				const stored = (await s3().objects()).find((object) => `s3:${object.key}` === binary.id);
				expect(stored?.body).toEqual(readFileSync(path));
			}

			const initiate = emulator().requestsTo('initiate');
			expect(initiate.map((request) => request.body)).toEqual([{ content_type: 'audio/wav', file_name: 'speech.wav' }]);
			const uploads = [...emulator().uploads.entries()];
			expect(uploads).toHaveLength(1);
			const [fileUrl, upload] = uploads[0];
			expect(upload).toMatchObject({ contentType: 'audio/wav', size: readFileSync(path).length, sha256: sha256(path) });
			expect(submittedBodies(emulator())).toEqual([
				{ audio_url: fileUrl, prompt: 'Transcribe this audio verbatim.', model: 'google/gemini-3-flash-preview' },
			]);
			expect(result.items(NODE_NAME)[0].json.output).toBe(
				'Echo from google/gemini-3-flash-preview: Transcribe this audio verbatim.',
			);
		},
	);

	test.each([
		['speech.mp3', 'audio/mpeg'],
		['speech.aac', 'audio/aac'],
		['speech.ogg', 'audio/ogg'],
		['speech.flac', 'audio/flac'],
		['speech.aiff', 'audio/aiff'],
		['speech.m4a', 'audio/mp4'],
	])('%s is sent as %s whatever MIME type the item claims', async (file, contentType) => {
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary' }, [{}], {
				binaryFiles: [{ path: `${FIXTURES}/${file}`, mimeType: 'application/octet-stream' }],
			}),
		});
		expect(result.error(NODE_NAME)).toBeUndefined();
		const upload = emulator().requestsTo('upload')[0];
		expect(upload?.headers['content-type']).toBe(contentType);
	});

	test('a custom binary property name and Keep Binary Data', async () => {
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen(
				{ audioSource: 'binary', binaryPropertyName: 'recording', options: { keepBinary: true } },
				[{}],
				{ binaryFiles: [{ path: `${FIXTURES}/speech.mp3`, property: 'recording' }] },
			),
		});
		const [item] = result.items(NODE_NAME);
		expect(item.binary?.recording?.fileName).toBe('speech.mp3');
		expect(await result.binaryBuffer(item.binary!.recording)).toEqual(readFileSync(`${FIXTURES}/speech.mp3`));
	});

	test('without Keep Binary Data the output carries no binary', async () => {
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.mp3` }] }),
		});
		expect(result.items(NODE_NAME)[0].binary).toBeUndefined();
	});

	test('several binary items are each uploaded once and answered in order', async () => {
		const files = ['speech.wav', 'speech.mp3', 'speech.flac'];
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen(
				{ audioSource: 'binary', task: 'custom', prompt: '=Item {{ $json.n }}' },
				files.map((_, n) => ({ n })),
				{ binaryFiles: files.map((file, itemIndex) => ({ path: `${FIXTURES}/${file}`, itemIndex })) },
			),
		});
		expect(emulator().uploads.size).toBe(3);
		const items = result.items(NODE_NAME);
		expect(items.map((item) => item.json.output)).toEqual([0, 1, 2].map((n) => `Echo from google/gemini-3-flash-preview: Item ${n}`));
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const byUrl = new Map([...emulator().uploads].map(([url, upload]) => [url, upload.fileName]));
		const sent = submittedBodies(emulator()).map((body: any) => [body.prompt, byUrl.get(body.audio_url)]);
		expect(sent.sort()).toEqual([
			['Item 0', 'speech.wav'],
			['Item 1', 'speech.mp3'],
			['Item 2', 'speech.flac'],
		]);
	});

	// An MP4 container whose track list (moov) comes after 100 KB of media data, as non-"faststart" files do:
	// the first chunk cannot tell audio from video, so the whole file decides.
	function isoWithTrackAtEnd(handler: 'soun' | 'vide'): string {
		const box = (type: string, body: Buffer) => {
			const header = Buffer.alloc(8);
			header.writeUInt32BE(8 + body.length);
			header.write(type, 4, 'latin1');
			return Buffer.concat([header, body]);
		};
		const hdlr = box('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from(handler, 'latin1'), Buffer.alloc(12)]));
		const file = Buffer.concat([
			box('ftyp', Buffer.from('isom\0\0\0\0isomiso2', 'latin1')),
			box('mdat', Buffer.alloc(100 * 1024, 1)),
			box('moov', box('trak', box('mdia', hdlr))),
		]);
		const path = join(mkdtempSync(join(tmpdir(), 'iso-')), `track-${handler}.mp4`);
		writeFileSync(path, file);
		return path;
	}

	test('an audio-only MP4 with its track list at the end is accepted as m4a', async () => {
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path: isoWithTrackAtEnd('soun') }] }),
		});
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(emulator().requestsTo('upload')[0]?.headers['content-type']).toBe('audio/mp4');
	});

	test('a video MP4 with its track list at the end is refused before upload', async () => {
		const result = await runWorkflow({
			binaryMode: 'filesystem',
			...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path: isoWithTrackAtEnd('vide') }] }),
		});
		expect(result.error(NODE_NAME)?.message).toMatch(/^"track-vide\.mp4" is an MP4\/QuickTime video/);
		expect(emulator().requests).toEqual([]);
	});
});
