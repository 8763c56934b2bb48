import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class FalApi implements ICredentialType {
	name = 'falApi';

	displayName = 'Fal API';

	icon: Icon = { light: 'file:falApi.svg', dark: 'file:falApi.dark.svg' };

	documentationUrl = 'https://docs.fal.ai/model-apis/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your fal.ai API key. Create one at https://fal.ai/dashboard/keys.',
		},
		{
			displayName: 'Admin API Key',
			name: 'adminApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Only for the "Delete Request Data After Answer" option: an admin key of the same fal account may delete a request\'s stored data. Leave empty otherwise; the node sends it to that one call only.',
		},
	];

	// fal expects "Key <key>", not "Bearer <key>". The key is used as users paste it: whitespace and newlines
	// around it and a leading "Key " (any case) are dropped, as the node does (normalizeApiKey in
	// nodes/OpenRouterAudio/transport/client.ts; a test holds the two to the same answers).
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Key {{ String($credentials.apiKey ?? "").trim().replace(/^key\\s+/i, "") }}',
			},
		},
	};

	// The pricing lookup needs a valid key but starts no job, so testing the credential costs nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: 'https://api.fal.ai/v1',
			url: '/models/pricing',
			qs: { endpoint_id: 'openrouter/router/audio' },
		},
	};
}
