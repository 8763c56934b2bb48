// Test stand-in for n8n's CredentialsHelper: returns fixed decrypted credentials instead of reading the
// database, but applies a credential type's `authenticate` block the same way n8n's own helper does.
import { Credentials } from 'n8n-core';
import { ICredentialsHelper } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

/** Decrypted credential data per credential type name, e.g. `{ falApi: { apiKey: 'test-key' } }`. */
export type TestCredentials = Record<string, ICredentialDataDecryptedObject>;

export const DEFAULT_TEST_CREDENTIALS: TestCredentials = { falApi: { apiKey: 'test-key' } };

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every `getDecrypted` call, so tests can assert which credential a node asked for. */
	readonly requested: Array<{ type: string; nodeCredentials: INodeCredentialsDetails }> = [];

	constructor(
		private readonly credentials: TestCredentials,
		private readonly credentialTypes: Record<string, ICredentialType>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		// Walk `extends` like n8n does, so oAuth2-style credentials would be recognised.
		const parents = this.credentialTypes[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.requested.push({ type, nodeCredentials });
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credential of type "${type}" given to runWorkflow`);
		// A copy: nodes and preAuthentication may mutate what they get.
		return structuredClone(data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as IHttpRequestOptions;
		const { authenticate } = this.credentialTypes[typeName] ?? {};
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (authenticate?.type !== 'generic') return options;

		// Generic block: { headers|qs|body|auth: { key: value } }, keys and values may be expressions
		// over $credentials; merge each into the request like n8n's CredentialsHelper.
		const target = options as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			const resolvedSection: Record<string, unknown> = { ...(target[section] ?? {}) };
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				const resolvedKey = String(this.resolve(key, credentials, workflow, node));
				resolvedSection[resolvedKey] = this.resolve(value, credentials, workflow, node);
			}
			target[section] = resolvedSection;
		}
		return options;
	}

	/** Resolves `={{ $credentials.x }}` with n8n's real expression engine when a workflow is known. */
	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow?: Workflow,
		node?: INode,
	): unknown {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (workflow && node) {
			return workflow.expression.getSimpleParameterValue(node, value, 'internal', {
				$credentials: credentials,
			});
		}
		// No workflow (e.g. a credential test request): plain `{{$credentials.key}}` substitution.
		return value
			.slice(1)
			.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new Credentials(nodeCredentials, type);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes[type]?.properties ?? [];
	}
}
