import { FILE_FORMATS } from '../../../../nodes/OpenRouterAudio/fields/output';
import {
	FILE_MIME_TYPES,
	binaryPropertyClash,
	fileFormatProblem,
	needsSegments,
	outputFileName,
	renderOutputFile,
} from '../../../../nodes/OpenRouterAudio/transcript/outputFile';
import type { Transcript } from '../../../../nodes/OpenRouterAudio/transcript/segments';

describe('outputFileName', () => {
	test.each([
		['srt', 'meeting.mp3', 'meeting.srt'],
		['vtt', 'meeting.final.m4a', 'meeting.final.vtt'],
		['md', 'noextension', 'noextension.md'],
		['txt', undefined, 'transcript.txt'],
		['txt', '', 'transcript.txt'],
		['json', '   ', 'transcript.json'],
		['srt', 'folder/sub/call.wav', 'call.srt'],
		['srt', 'C:\\Users\\me\\call.wav', 'call.srt'],
		['srt', '../../etc/passwd', 'passwd.srt'],
		['srt', 'folder/', 'transcript.srt'],
		['srt', '.mp3', 'transcript.srt'],
		['srt', '..', 'transcript.srt'],
		['srt', 'a\u0000b\nc.mp3', 'abc.srt'],
	] as const)('%s for %p -> %p', (format, input, expected) => {
		expect(outputFileName(format, input)).toBe(expected);
	});
});

describe('MIME types and the Segments check', () => {
	test('one MIME type per format', () => {
		expect(FILE_MIME_TYPES).toEqual({
			txt: 'text/plain',
			md: 'text/markdown',
			json: 'application/json',
			srt: 'application/x-subrip',
			vtt: 'text/vtt',
		});
		expect(FILE_FORMATS.filter(needsSegments)).toEqual(['srt', 'vtt']);
	});

	test('srt and vtt without Segments are a problem that names the fix', () => {
		expect(fileFormatProblem('srt', 'text')).toEqual({
			message: 'SRT files need the Segments output',
			description: expect.stringContaining('Set "Output" to "Segments"'),
		});
		expect(fileFormatProblem('vtt', 'text')?.message).toBe('VTT files need the Segments output');
		expect(fileFormatProblem('srt', 'segments')).toBeUndefined();
		for (const format of ['txt', 'md', 'json'] as const) expect(fileFormatProblem(format, 'text')).toBeUndefined();
	});

	test('an output property that would replace a kept input property is a problem', () => {
		expect(binaryPropertyClash('data', ['data'])?.message).toBe(
			'The output file would replace the input\'s binary property "data"',
		);
		expect(binaryPropertyClash('subtitles', ['data'])).toBeUndefined();
	});
});

describe('renderOutputFile', () => {
	const transcript: Transcript = {
		segments: [{ start: 1, end: 2, speaker: 'Speaker 1', text: 'Hi.' }],
		text: 'Speaker 1: Hi.',
		speakers: ['Speaker 1'],
	};
	const meta = { model: 'm', requestId: 'r', usage: {}, inputFileName: 'in/meeting.mp3' };

	test('each format: name, MIME type and content', () => {
		expect(renderOutputFile('srt', transcript, meta)).toEqual({
			fileName: 'meeting.srt',
			mimeType: 'application/x-subrip',
			content: '1\n00:00:01,000 --> 00:00:02,000\nSpeaker 1: Hi.\n',
		});
		expect(renderOutputFile('vtt', transcript, meta).content).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Speaker 1>Hi.\n');
		expect(renderOutputFile('txt', 'Plain.', meta)).toEqual({ fileName: 'meeting.txt', mimeType: 'text/plain', content: 'Plain.\n' });
		expect(renderOutputFile('md', transcript, meta).content.startsWith('# meeting.mp3\n\n`0:01` **Speaker 1:** Hi.')).toBe(true);
		expect(JSON.parse(renderOutputFile('json', transcript, meta).content)).toEqual({
			...transcript,
			model: 'm',
			requestId: 'r',
			usage: {},
		});
	});

	test('srt from a plain answer is a programming error, not a silent empty file', () => {
		expect(() => renderOutputFile('srt', 'Plain.', meta)).toThrow('srt needs a segmented transcript');
	});
});
