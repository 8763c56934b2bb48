// Throwaway node that exercises the harness the way the product node will: parameters, credentials
// with a generic authenticate block, binary input, continueOnFail and the execution cancel signal.
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const ECHO_TYPE = 'n8n-nodes-harness.echo';

export class EchoApi implements ICredentialType {
	name = 'echoApi';
	displayName = 'Echo API';
	properties = [{ displayName: 'API Key', name: 'apiKey', type: 'string' as const, typeOptions: { password: true }, default: '' }];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Key {{$credentials.apiKey}}' } },
	};
}

/** What the echo node saw when cancelled; reset by the test. */
export const cancelSeen = { fired: false };

export class Echo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'Harness self-test node',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'echoApi', required: false }],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				default: 'echo',
				options: ['echo', 'binary', 'request', 'fail', 'wait'].map((value) => ({ name: value, value })),
			},
			{ displayName: 'Binary Property', name: 'binaryPropertyName', type: 'string', default: 'data' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			try {
				const mode = this.getNodeParameter('mode', i) as string;
				if (mode === 'fail') throw new NodeOperationError(this.getNode(), `boom on item ${i}`, { itemIndex: i });
				if (mode === 'wait') {
					// Resolves only through cancellation, like a long fal request honouring the signal.
					const signal = this.getExecutionCancelSignal();
					await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
					cancelSeen.fired = signal?.aborted ?? false;
					out.push({ json: { cancelled: true }, pairedItem: { item: i } });
					continue;
				}
				if (mode === 'binary') {
					const name = this.getNodeParameter('binaryPropertyName', i) as string;
					const meta = this.helpers.assertBinaryData(i, name);
					const buffer = await this.helpers.getBinaryDataBuffer(i, name);
					out.push({ json: { bytes: buffer.length, text: buffer.toString('latin1'), meta: { ...meta } }, pairedItem: { item: i } });
					continue;
				}
				if (mode === 'request') {
					const url = this.getNodeParameter('url', i) as string;
					const response = await this.helpers.httpRequestWithAuthentication.call(this, 'echoApi', { url, json: true });
					out.push({ json: response, pairedItem: { item: i } });
					continue;
				}
				out.push({ json: { ...item.json, echoed: true }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
