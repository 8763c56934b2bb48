/** n8n's REST API as the editor uses it: the owner's cookie session, publishing workflows, webhooks. */
import { waitFor } from './wait';

export const OWNER = { email: 'owner@example.com', password: 'E2e-Owner-Password-1', firstName: 'E2E', lastName: 'Owner' };

/** A logged-in REST session (cookie auth, as the editor uses). */
export class Rest {
	constructor(
		readonly baseUrl: string,
		readonly cookie: string,
	) {}

	async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
		const res = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				cookie: this.cookie,
				'content-type': 'application/json',
				// n8n's browser-id check on authenticated requests
				'browser-id': 'e2e-browser',
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed };
	}

	async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, path, body);
		if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 1000)}`);
		return (res.body?.data ?? res.body) as T;
	}
}

function cookieFrom(res: Response): string {
	const all = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
	const auth = all.map((c) => c.split(';')[0]).filter((c) => c.startsWith('n8n-auth='));
	if (!auth.length) throw new Error(`no n8n-auth cookie in the response (${res.status})`);
	return auth[0];
}

/** Creates the owner (first start of a user folder) and returns a logged-in session. */
export async function setupOwnerAndLogin(baseUrl: string): Promise<Rest> {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e-browser' },
		body: JSON.stringify(OWNER),
	});
	if (setup.status >= 300 && setup.status !== 400) {
		throw new Error(`owner setup -> ${setup.status}: ${await setup.text()}`);
	}
	return await login(baseUrl);
}

export async function login(baseUrl: string): Promise<Rest> {
	const res = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e-browser' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }),
	});
	if (res.status !== 200) throw new Error(`login -> ${res.status}: ${await res.text()}`);
	return new Rest(baseUrl, cookieFrom(res));
}

/** Activates (n8n 2.x: publishes) a workflow through the REST API. */
export async function activate(session: Rest, id: string, versionId: string): Promise<void> {
	const res = await session.request('POST', `/rest/workflows/${id}/activate`, { versionId });
	if (res.status >= 300) {
		throw new Error(`activating workflow ${id} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 1000)}`);
	}
}

/**
 * Waits until n8n serves a production webhook. n8n 2.x publishes an activated workflow through an
 * outbox, so the webhook can appear a moment after the activate call returned. A GET probe never
 * runs the (POST) workflow: n8n answers "not registered for GET requests" once it knows the path.
 */
export async function waitForWebhook(baseUrl: string, path: string, timeoutMs = 60_000): Promise<void> {
	await waitFor(
		`webhook ${path} to be registered`,
		async () => {
			const res = await fetch(`${baseUrl}/webhook/${path}`);
			const text = await res.text();
			return res.status !== 404 || /not registered for GET requests/.test(text);
		},
		timeoutMs,
		250,
	);
}
