import type { INodeProperties } from 'n8n-workflow';

import * as analyze from './analyze.operation';
import * as getJob from './getJob.operation';
import * as submit from './submit.operation';

/** The node's fields: the operation, then each operation's own fields (shown only for it). */
export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Analyze Audio',
				value: 'analyze',
				action: 'Analyze audio',
				description: 'Send the audio and a prompt, wait for the answer',
			},
			{
				name: 'Submit Job',
				value: 'submit',
				action: 'Submit an audio job without waiting',
				description:
					'Queue the job and return its request ID at once (for long recordings). Its cost is known only once it completes, so no spend limit applies.',
			},
			{
				name: 'Get Job',
				value: 'getJob',
				action: 'Get the status or result of a job',
				description: 'Look up a submitted job by request ID, with its answer once it is done',
			},
		],
		default: 'analyze',
	},
	...getJob.description,
	...analyze.description,
	...submit.description,
];
