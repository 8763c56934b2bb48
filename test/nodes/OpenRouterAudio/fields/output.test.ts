// The Output field and the answer's Options, as both nodes show them (n8n loads the built package) and as
// their readers take them.
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import {
	answerOptions,
	FILE_FORMATS,
	isFileFormat,
	readInvalidJson,
	readOutputBinaryField,
	readOutputChoice,
	readOutputFormat,
	readPutOutputInFile,
	type OutputWording,
} from '../../../../nodes/OpenRouterAudio/fields/output';
import { renderOutputFile } from '../../../../nodes/OpenRouterAudio/transcript/outputFile';
import { loadPackage, OPENROUTER_AUDIO_TRIGGER_TYPE, OPENROUTER_AUDIO_TYPE } from '../../../tools/harness';

const wording: OutputWording = {
	output: { text: 't', segments: 's' },
	invalidJson: { error: { name: 'e' }, description: 'd' },
	jsonFormat: 'j',
	putOutputInFile: 'p',
};
const option = (name: string) => answerOptions(wording).find((property) => property.name === name)!;
const shown = Object.fromEntries(answerOptions(wording).map((property) => [property.name, property.default]));

describe('Put Output in File', () => {
	test('offers each format the file renderer makes, and the Output Binary Field shows for each', () => {
		const choices = (option('putOutputInFile').options as Array<{ value: string }>).map((choice) => choice.value);
		expect([...choices].sort()).toEqual([...FILE_FORMATS].sort());
		expect([...(option('outputBinaryPropertyName').displayOptions?.show?.putOutputInFile ?? [])].sort()).toEqual([...choices].sort());
		const segments = { segments: [{ start: 0, end: 1, speaker: 'A', text: 'Hi.' }], text: 'A: Hi.', speakers: ['A'] };
		for (const format of choices) {
			expect(isFileFormat(format)).toBe(true);
			expect(renderOutputFile(format as never, segments, { model: 'm', requestId: 'r', usage: {}, inputFileName: 'a.mp3' }).fileName).toBe(`a.${format}`);
		}
		expect(isFileFormat('pdf')).toBe(false);
	});
});

describe('an unset option does what its field shows', () => {
	test('Output, If the Answer Is Not JSON, Output Format, Put Output in File, Output Binary Field', () => {
		expect(readOutputChoice((_name, fallback) => fallback)).toBe('text');
		expect(readInvalidJson({})).toBe(shown.invalidJson);
		expect(readOutputFormat({}, 'text')).toBe(shown.outputFormat);
		expect(readPutOutputInFile({})).toBeUndefined();
		expect(readOutputBinaryField({})).toBe(shown.outputBinaryPropertyName);
	});
});

describe('the readers', () => {
	test('read what is set; what no choice means reads as the default', () => {
		expect(readOutputChoice((name) => (name === 'transcriptOutput' ? 'segments' : undefined))).toBe('segments');
		expect(readInvalidJson({ invalidJson: 'keepRaw' })).toBe('keepRaw');
		expect(readInvalidJson({ invalidJson: 'bogus' })).toBe('error');
		expect(readOutputFormat({ outputFormat: 'json' }, 'text')).toBe('json');
		// Segments are JSON already: no second JSON instruction.
		expect(readOutputFormat({ outputFormat: 'json' }, 'segments')).toBe('text');
		expect(readPutOutputInFile({ putOutputInFile: 'srt' })).toBe('srt');
		expect(readOutputBinaryField({ outputBinaryPropertyName: '  file ' })).toBe('file');
		expect(readOutputBinaryField({ outputBinaryPropertyName: '   ' })).toBe('');
	});
});

describe('in both nodes as n8n loads them', () => {
	test('the Output field is where the answer Options look for it, and each node words the choices its own way', async () => {
		const { nodes } = await loadPackage();
		const described = [OPENROUTER_AUDIO_TYPE, OPENROUTER_AUDIO_TRIGGER_TYPE].map(
			(type) => (nodes[type] as { description: INodeTypeDescription }).description.properties,
		);
		const words: string[] = [];
		for (const properties of described) {
			const options = properties.find((p) => p.name === 'options' && (p.options as INodeProperties[]).some((o) => o.name === 'outputFormat'))!
				.options as INodeProperties[];
			// "/transcriptOutput" names a top-level field of the same node: without it Output Format would never hide.
			const hiddenBy = Object.keys(options.find((o) => o.name === 'outputFormat')!.displayOptions!.hide!);
			for (const path of hiddenBy) expect(properties.some((p) => `/${p.name}` === path && p.type === 'options')).toBe(true);
			words.push(String(options.find((o) => o.name === 'putOutputInFile')!.description));
		}
		// Analyze names the file after its input file, the trigger after the Reference.
		expect(words[0]).toMatch(/input file/);
		expect(words[1]).toMatch(/Reference/);
	});
});
