import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { runWorkflow, NODE_NAME, triggerThen, FIXTURES, useFalEmulator } from '../../../tools/harness';

// Files that are certainly not audio, under audio names and MIME types, are refused by what they are before
// anything is uploaded or submitted: the emulator's records show no storage initiation, no upload, no job.
const emulator = useFalEmulator();

const SUPPORTED = 'Supported formats: wav, mp3, aiff, aac, ogg, flac, m4a.';
const dir = mkdtempSync(join(tmpdir(), 'not-audio-'));
const file = (name: string, bytes: Buffer) => {
	const path = join(dir, name);
	writeFileSync(path, bytes);
	return path;
};
const le32 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]);
const zipEntry = (name: string) =>
	Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(10), le32(0), le32(4), le32(4), Buffer.from([name.length, 0, 0, 0]), Buffer.from(`${name}data`, 'latin1')]);

const FILES = {
	zip: file('report.mp3', Buffer.concat([zipEntry('meeting.wav'), zipEntry('notes.txt')])),
	docx: file('minutes.m4a', Buffer.concat([zipEntry('[Content_Types].xml'), zipEntry('word/document.xml')])),
	gzip: file('call.wav', gzipSync(readFileSync(`${FIXTURES}/speech.wav`))),
	pdf: file('invoice.mp3', Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1')),
	exe: file('setup.mp3', (() => {
		const exe = Buffer.alloc(0x80);
		exe.write('MZ', 0, 'latin1');
		exe.writeUInt32LE(0x40, 0x3c);
		exe.write('PE\x00\x00', 0x40, 'latin1');
		return exe;
	})()),
	midi: file('tune.mp3', Buffer.from('MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x60MTrk\x00\x00\x00\x04\x00\xff\x2f\x00', 'latin1')),
	html: file('download.mp3', Buffer.from('<!DOCTYPE html>\n<html><body><h1>403 Forbidden</h1></body></html>\n')),
	json: file('voice.ogg', Buffer.from('{"error":{"code":404,"message":"Requested entity was not found."}}')),
};

function expectNothingSent() {
	expect(emulator().requests).toEqual([]);
	expect(emulator().uploads.size).toBe(0);
	expect(emulator().jobs.size).toBe(0);
}

const binaryRun = (path: string, mimeType: string | undefined, binaryMode: 'default' | 'filesystem') =>
	runWorkflow({ binaryMode, ...triggerThen({ audioSource: 'binary' }, [{}], { binaryFiles: [{ path, mimeType }] }) });

describe.each(['default', 'filesystem'] as const)('binary data mode %s', (binaryMode) => {
	test('a ZIP named report.mp3 (audio/mpeg) is refused as a ZIP archive: the fix, the formats, nothing uploaded or submitted', async () => {
		const result = await binaryRun(FILES.zip, 'audio/mpeg', binaryMode);
		const error = result.error(NODE_NAME);
		expect(error?.message).toBe('"report.mp3" is a ZIP archive, not a supported audio format (field "Input Binary Field") [item 0]');
		expect(error?.description).toMatch(/^If the audio is inside the archive, extract it first/);
		expect(error?.description).toContain(SUPPORTED);
		expect(error?.description).toMatch(/Nothing was uploaded or sent to fal for this item\.$/);
		expectNothingSent();
	});

	test.each([
		['docx', 'audio/mp4', '"minutes.m4a" is a Word document (DOCX, a ZIP archive)'],
		['gzip', 'audio/wav', '"call.wav" is a gzip archive'],
		['pdf', undefined, '"invoice.mp3" is a PDF document'],
		['exe', 'audio/mpeg', '"setup.mp3" is a Windows program (EXE/DLL)'],
		['midi', 'audio/mpeg', '"tune.mp3" is a MIDI file'],
		['html', 'audio/mpeg', '"download.mp3" is an HTML page'],
		['json', 'audio/ogg', '"voice.ogg" is JSON text'],
	] as const)('%s under an audio name is refused by what it is, before any upload', async (kind, mimeType, message) => {
		const result = await binaryRun(FILES[kind], mimeType, binaryMode);
		expect(result.error(NODE_NAME)?.message).toBe(`${message}, not a supported audio format (field "Input Binary Field") [item 0]`);
		expect(result.error(NODE_NAME)?.description).toContain(SUPPORTED);
		expectNothingSent();
	});
});

test('a data: URI holding a PDF under audio/mpeg is refused as a PDF document, nothing submitted', async () => {
	const uri = `data:audio/mpeg;base64,${readFileSync(FILES.pdf).toString('base64')}`;
	const result = await runWorkflow(triggerThen({ audioUrl: uri }));
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe('The data URI in "Audio URL" contains a PDF document, not audio fal accepts [item 0]');
	expect(error?.description).toContain(SUPPORTED);
	expectNothingSent();
});

test('a data: URI holding a ZIP is refused as a ZIP archive', async () => {
	const uri = `data:audio/wav;base64,${readFileSync(FILES.zip).toString('base64')}`;
	const result = await runWorkflow(triggerThen({ audioUrl: uri }));
	expect(result.error(NODE_NAME)?.message).toBe('The data URI in "Audio URL" contains a ZIP archive, not audio fal accepts [item 0]');
	expectNothingSent();
});

test('in a batch with Continue On Fail, only the real audio is uploaded and submitted', async () => {
	const items = [{}, {}, {}];
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen({ audioSource: 'binary' }, items, {
			continueOnFail: true,
			binaryFiles: [
				{ path: FILES.zip, mimeType: 'audio/mpeg', itemIndex: 0 },
				{ path: `${FIXTURES}/speech.wav`, itemIndex: 1 },
				{ path: FILES.html, mimeType: 'audio/mpeg', itemIndex: 2 },
			],
		}),
	});
	const output = result.items(NODE_NAME).map((item) => item.json);
	expect(output[0].error).toMatch(/^"report\.mp3" is a ZIP archive/);
	expect(typeof output[1].output).toBe('string');
	expect(output[2].error).toMatch(/^"download\.mp3" is an HTML page/);
	const count = (route: string) => emulator().requestsTo(route).length;
	expect([count('initiate'), count('upload'), count('submit')]).toEqual([1, 1, 1]);
	expect(emulator().uploads.size).toBe(1);
	expect(emulator().jobs.size).toBe(1);
	expect([...emulator().uploads.values()][0]).toMatchObject({ fileName: 'speech.wav' });
});
