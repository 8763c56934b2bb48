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
	];

	// fal expects "Key <key>", not "Bearer <key>".
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Key {{$credentials.apiKey}}',
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
