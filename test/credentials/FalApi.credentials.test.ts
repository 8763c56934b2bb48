import type { ICredentialTestRequest, ICredentialType, IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { normalizeApiKey } from '../../nodes/OpenRouterAudio/transport/client';
import { startFalEmulator, type FalEmulator } from '../tools/emulator';
import { loadPackage, runWorkflow, triggerThen } from '../tools/harness';

const PROBE_TYPE = 'n8n-nodes-harness.credentialProbe';

/**
 * Sends the Fal API credential's own test request through n8n's authenticated HTTP helper, the way n8n's
 * credential tester does. n8n's helper is axios, which the fetch routing does not reach, so the probe points
 * the request's base URL at the emulator, which serves fal's hosts under /<host>/ paths.
 */
class CredentialProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Credential Probe',
		name: 'credentialProbe',
		group: ['transform'],
		version: 1,
		description: 'Runs the falApi credential test request',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'falApi', required: true }],
		properties: [{ displayName: 'Emulator', name: 'emulator', type: 'string', default: '' }],
	};

	static testRequest: ICredentialTestRequest['request'];

	async execute(this: IExecuteFunctions) {
		const { baseURL, url, qs } = CredentialProbe.testRequest;
		const host = new URL(baseURL!).host;
		const emulatorBase = `${this.getNodeParameter('emulator', 0)}/${host}${new URL(baseURL!).pathname}`;
		const response = await this.helpers.httpRequestWithAuthentication.call(this, 'falApi', {
			baseURL: emulatorBase,
			url: url!,
			qs,
			json: true,
			returnFullResponse: true,
		});
		return [[{ json: { statusCode: response.statusCode, body: response.body }, pairedItem: { item: 0 } }]];
	}
}

describe('Fal API credential', () => {
	let emulator: FalEmulator;
	let falApi: ICredentialType;
	beforeAll(async () => {
		emulator = await startFalEmulator({ apiKeys: ['valid-key-123'] });
		const { credentials } = await loadPackage();
		falApi = credentials.falApi;
		CredentialProbe.testRequest = falApi.test!.request;
	});
	afterAll(async () => await emulator.close());
	afterEach(() => emulator.reset());

	const probe = (apiKey: string) =>
		runWorkflow({
			...triggerThen({ emulator: emulator.url }, [{}], { nodeType: PROBE_TYPE, nodeName: 'Probe' }),
			nodeTypes: { [PROBE_TYPE]: new CredentialProbe() },
			credentialTypes: { falApi },
			credentials: { falApi: { apiKey } },
		});

	test('its test request reaches fal\'s pricing lookup for this endpoint with "Key <key>" and passes', async () => {
		const result = await probe('valid-key-123');
		expect(result.error('Probe')).toBeUndefined();
		expect(result.items('Probe')[0].json).toMatchObject({ statusCode: 200, body: { prices: [{ endpoint_id: 'openrouter/router/audio' }] } });
		expect(emulator.requests).toHaveLength(1);
		expect(emulator.requests[0]).toMatchObject({
			route: 'pricing',
			method: 'GET',
			host: 'api.fal.ai',
			query: { endpoint_id: 'openrouter/router/audio' },
			headers: { authorization: 'Key valid-key-123' },
		});
		// The test starts no job, so it costs nothing.
		expect(emulator.jobs.size).toBe(0);
	});

	test.each([['Key valid-key-123'], ['  valid-key-123\n'], ['KEY valid-key-123'], ['\tkey \t valid-key-123 \r\n']])(
		'the key as pasted, %j, is sent as "Key valid-key-123" and passes',
		async (pasted) => {
			const result = await probe(pasted);
			expect(result.error('Probe')).toBeUndefined();
			expect(result.items('Probe')[0].json).toMatchObject({ statusCode: 200 });
			expect(emulator.requests.map((request) => request.headers.authorization)).toEqual(['Key valid-key-123']);
		},
	);

	test('the credential\'s expression and the node\'s normalizeApiKey give the same key', async () => {
		const pasted = ['valid-key-123', ' Key  valid-key-123 ', 'kEy\nvalid-key-123', 'Keyvalid-key-123', 'my key valid-key-123', 'Key Key valid-key-123'];
		const sent: Array<string | undefined> = [];
		for (const apiKey of pasted) {
			emulator.reset();
			await probe(apiKey);
			// A refused key is asked again by n8n's helper: every attempt carries the same header.
			sent.push(...new Set(emulator.requests.map((request) => request.headers.authorization)));
		}
		expect(sent).toEqual(pasted.map((apiKey) => `Key ${normalizeApiKey(apiKey)}`));
		expect(pasted.map(normalizeApiKey)).toEqual(['valid-key-123', 'valid-key-123', 'valid-key-123', 'Keyvalid-key-123', 'my key valid-key-123', 'Key valid-key-123']);
	});

	test('a wrong key fails the test', async () => {
		const result = await probe('not-a-key');
		expect(new Set(emulator.requests.map((request) => request.headers.authorization))).toEqual(new Set(['Key not-a-key']));
		expect((result.error('Probe') as { httpCode?: string } | undefined)?.httpCode).toBe('401');
	});
});
