import type { INodeProperties } from 'n8n-workflow';

export const DEFAULTS = {
	maxFileSizeMb: 100,
	concurrency: 5,
	timeout: 600,
	maxRetries: 3,
} as const;

const onlyAnalyze = { show: { '/operation': ['analyze'] } };

/** Everything under "Options". Unset options are not sent to fal. */
export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { operation: ['analyze', 'submit'] } },
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
			default: DEFAULTS.concurrency,
			description:
				'How many items are sent to fal at the same time (1 = one after another). Output order always matches the input. Read from the first item.',
		},
		{
			displayName: 'If the Answer Is Not JSON',
			name: 'invalidJson',
			type: 'options',
			options: [
				{ name: 'Fail the Item', value: 'error' },
				{ name: 'Keep the Raw Text', value: 'keepRaw', description: 'Set "data" to null and add "jsonError"' },
			],
			default: 'error',
			displayOptions: { show: { outputFormat: ['json'], '/operation': ['analyze'] } },
		},
		{
			displayName: 'Keep Binary Data',
			name: 'keepBinary',
			type: 'boolean',
			default: false,
			description: 'Whether to pass the input item\'s binary data on to the output item, so a later node can store it',
		},
		{
			displayName: 'Max File Size (MB)',
			name: 'maxFileSizeMb',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1024 },
			default: DEFAULTS.maxFileSizeMb,
			description: 'Larger audio fails before it is uploaded',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			default: DEFAULTS.maxRetries,
			description:
				'How often a request is retried after a rate limit (429), a server error (5xx) or a dropped connection. Other errors are not retried.',
		},
		{
			displayName: 'Max Tokens',
			name: 'maxTokens',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 4096,
			description: 'The most tokens the model may generate in its answer',
		},
		{
			displayName: 'Output Format',
			name: 'outputFormat',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text', description: 'The answer as text in "output"' },
				{
					name: 'JSON',
					value: 'json',
					description: 'Ask the model for JSON and parse the answer into "data"',
				},
			],
			default: 'text',
			displayOptions: onlyAnalyze,
		},
		{
			displayName: 'Reasoning',
			name: 'reasoning',
			type: 'boolean',
			default: false,
			description: 'Whether the model\'s reasoning should be part of the answer',
		},
		{
			displayName: 'System Prompt',
			name: 'systemPrompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'e.g. You transcribe medical dictation. Keep drug names exactly as spoken.',
			description: 'Context or instructions for the model, sent as the system prompt',
		},
		{
			displayName: 'Temperature',
			name: 'temperature',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
			default: 1,
			description: 'Lower values give more predictable answers, higher values more varied ones (0 to 2)',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: DEFAULTS.timeout,
			description:
				'How long one item may take, upload and queue included. Past it the item fails and its fal job is cancelled. 0 = no limit.',
		},
	],
};
