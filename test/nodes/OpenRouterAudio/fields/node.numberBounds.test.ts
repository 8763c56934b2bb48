import type { INodeProperties } from 'n8n-workflow';

import { OpenRouterAudio } from '../../../../nodes/OpenRouterAudio/OpenRouterAudio.node';
import { FIXTURES, NODE_NAME, runWorkflow, triggerThen, useFalEmulator } from '../../../tools/harness';

// Every number field of the node is checked at run time against the bounds the field shows (its typeOptions):
// a value the UI would not let through fails its item before anything is sent, naming the item, the field and
// the bounds; the bounds themselves run.
const emulator = useFalEmulator();

interface NumberFieldAt {
	field: INodeProperties;
	/** The collection the field sits in (e.g. "options"), or undefined at the top. */
	collection?: string;
}

function numberFields(properties: INodeProperties[], collection?: string): NumberFieldAt[] {
	return properties.flatMap((property) => {
		if (property.type === 'number') return [{ field: property, collection }];
		if (property.type === 'collection') return numberFields((property.options ?? []) as INodeProperties[], property.name);
		return [];
	});
}

const fields = numberFields(new OpenRouterAudio().description.properties);

test('the walk finds the number fields (a field added later is walked too)', () => {
	expect(fields.map(({ field }) => field.name).sort()).toEqual(
		expect.arrayContaining(['concurrency', 'maxFileSizeMb', 'maxQueueWait', 'maxRetries', 'maxTokens', 'temperature', 'timeout', 'uploadMemoryMb']),
	);
	for (const { field } of fields) expect(field.typeOptions?.minValue ?? field.typeOptions?.maxValue).toBeDefined();
});

/** Values outside the field's typeOptions: under its minimum, over its maximum, more decimals than it shows. */
function outside(field: INodeProperties): number[] {
	const { minValue: min, maxValue: max, numberPrecision: decimals } = field.typeOptions ?? {};
	const values: number[] = [];
	if (min !== undefined) values.push(min - 1);
	if (max !== undefined) values.push(max + 1);
	if (decimals !== undefined) values.push((min ?? 0) + 1 + 10 ** -(decimals + 1) * 5);
	return values;
}

/** The parameters that show the field, and the field set to `value`. */
function workflowWith({ field, collection }: NumberFieldAt, value: number) {
	const binary = JSON.stringify(field.displayOptions ?? {}).includes('"binary"');
	const set = collection ? { [collection]: { [field.name]: value } } : { [field.name]: value };
	const params = { ...(binary ? { audioSource: 'binary' } : { audioUrl: 'https://audio.example/a.mp3' }), ...set };
	return {
		...(binary ? { binaryMode: 'filesystem' as const } : {}),
		...triggerThen(params, [{}], binary ? { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] } : {}),
	};
}

const cases = fields.flatMap((at) => outside(at.field).map((value) => [at.field.displayName, value, at] as const));

test.each(cases)('"%s" %d is refused at run time, naming the item, the field and its bounds', async (name, value, at) => {
	const result = await runWorkflow(workflowWith(at, value));
	const error = result.error(NODE_NAME);
	expect(error?.message).toBe(`The "${name}" option is ${value}, which is not allowed [item 0]`);
	const { minValue: min, maxValue: max, numberPrecision: decimals } = at.field.typeOptions ?? {};
	if (min !== undefined && max !== undefined) expect(error?.description).toMatch(new RegExp(`from ${min}\\b.* to ${max}\\b`));
	else if (min !== undefined) expect(error?.description).toMatch(new RegExp(`at least ${min}\\b`));
	if (decimals === 0) expect(error?.description).toMatch(/^Use a whole number/);
	if (decimals) expect(error?.description).toContain(`at most ${decimals} decimals`);
	expect(emulator().requests).toEqual([]);
});

test.each(['minValue', 'maxValue'] as const)('every field at its %s runs', async (bound) => {
	const at = fields.filter(({ field }) => field.typeOptions?.[bound] !== undefined);
	// One workflow with every bounded field at that bound (Max Queue Wait's 0 is allowed: no limit).
	const options = Object.fromEntries(at.map(({ field }) => [field.name, field.typeOptions![bound]]));
	const result = await runWorkflow({
		binaryMode: 'filesystem',
		...triggerThen({ audioSource: 'binary', options }, [{}], { binaryFiles: [{ path: `${FIXTURES}/speech.wav` }] }),
	});
	expect(result.error(NODE_NAME)).toBeUndefined();
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.any(String));
	expect(emulator().jobs.size).toBe(1);
});
