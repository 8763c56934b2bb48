/**
 * The n8n editor in headless Chromium: add OpenRouter Audio's Analyze action to a new workflow the
 * way a user does (search, the group of trigger and node, Actions), check that the trigger is offered
 * too, that the fields render with their labels, that "Binary File" swaps "Audio URL" for "Input
 * Binary Field", and save screenshots to test-output/e2e/ (node-creator.png, node-panel.png).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { outputDir } from './n8n/fixtures';
import { OWNER } from './n8n/rest';
import { useN8n } from './setup';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// n8n with the owner created; the editor never reaches fal
const n8n = useN8n('browser', { emulator: false });
let context: BrowserContext;
let page: Page;
let profileDir: string;

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
	profileDir = mkdtempSync(join(tmpdir(), 'n8n-e2e-chromium-'));
	// a fresh profile per run: playwright takes it as the persistent context's userDataDir
	context = await chromium.launchPersistentContext(profileDir, {
		executablePath: CHROMIUM,
		viewport: { width: 1600, height: 1000 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(20_000);
	// n8n ties its auth cookie to the browser's own browser-id, so sign in through the form
	await page.goto(`${n8n.server.url}/signin`);
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
});

afterAll(async () => {
	if (page && process.env.E2E_DEBUG) {
		await page.screenshot({ path: join(outputDir, 'last.png') }).catch(() => {});
		writeFileSync(join(outputDir, 'last.html'), await page.content().catch(() => ''));
	}
	await context?.close().catch(() => {});
	if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** The labels of the node panel's Parameters tab that are currently visible, in order, once each. */
async function visibleLabels(): Promise<string[]> {
	const params = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
	const texts = await params
		.locator('[data-test-id="input-label"], [data-test-id="credentials-label"], [data-test-id="parameter-item"]')
		.evaluateAll((els) =>
			els
				.filter((e) => (e as HTMLElement).offsetParent !== null)
				.map((e) => (e as HTMLElement).innerText.split('\n')[0].trim())
				.filter(Boolean),
		);
	return [...new Set(texts)];
}

test('the editor adds OpenRouter Audio and renders every field with its label', async () => {
	await page.goto(`${n8n.server.url}/workflow/new`);
	expect(new URL(page.url()).pathname).not.toContain('signin'); // signed in as the owner
	await page.locator('[data-test-id="canvas-add-button"]').click();
	await page.locator('[data-test-id="node-creator-search-bar"]').fill('OpenRouter Audio');
	const item = page.locator('[data-test-id="item-iterator-item"]', { hasText: 'OpenRouter Audio' }).first();
	await expect(item.locator('[data-test-id="node-creator-item-name"]').innerText()).resolves.toBe('OpenRouter Audio');
	await item.click();
	// n8n groups the package's trigger and action node under one item; on an empty canvas it opens the
	// group's details with the triggers expanded and the actions folded
	const creator = page.locator('[data-test-id="node-creator"]');
	const category = (name: string) => creator.locator('[data-test-id="node-creator-category-item"]', { hasText: name });
	await category('Triggers (1)').waitFor();
	// the trigger is offered too: n8n names it "On new <display name without 'Trigger'> event"
	const trigger = creator.locator('[data-test-id="item-iterator-item"]', { hasText: 'On new OpenRouter Audio event' });
	await expect(trigger.getAttribute('data-keyboard-nav-id')).resolves.toMatch(
		/^n8n-nodes-fal-openrouter-audio\.openRouterAudioTrigger-/,
	);
	// the node's operations are offered as actions; "Analyze" opens the node panel (n8n puts a Manual
	// Trigger before an action added to a workflow without a trigger)
	await category('Actions (3)').click();
	const analyze = creator.getByText('Analyze audio', { exact: true });
	await analyze.waitFor();
	mkdirSync(outputDir, { recursive: true });
	await page.screenshot({ path: join(outputDir, 'node-creator.png') });
	await analyze.click();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	await ndv.locator('[data-test-id="parameter-input-audioUrl"]').waitFor();

	const labels = await visibleLabels();
	// every field of the Analyze operation, labelled, in the order of the node description
	expect(labels).toEqual([
		'Credential',
		'Operation',
		'Audio Source',
		'Audio URL',
		'Task',
		'Speaker Labels',
		'Timestamps',
		'Prompt',
		'Output',
		'Model',
		'Options',
	]);
	// the defaults the node declares are what the editor shows
	await expect(ndv.locator('[data-test-id="parameter-input-prompt"] textarea').inputValue()).resolves.toBe(
		'Transcribe this audio verbatim.',
	);
	const modelValues = await ndv
		.locator('[data-test-id="parameter-input-model"] input')
		.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
	expect(modelValues).toContain('google/gemini-3-flash-preview');

	const shot = join(outputDir, 'node-panel.png');
	await page.screenshot({ path: shot });
	expect(statSync(shot).size).toBeGreaterThan(10_000);
});

test('switching Audio Source to Binary File shows Input Binary Field instead of Audio URL', async () => {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="parameter-input-audioSource"]').click();
	await page.getByRole('option', { name: 'Binary File' }).click();
	await ndv.locator('[data-test-id="parameter-input-binaryPropertyName"]').waitFor();
	const labels = await visibleLabels();
	expect(labels).toContain('Input Binary Field');
	expect(labels).not.toContain('Audio URL');
	await expect(ndv.locator('[data-test-id="parameter-input-binaryPropertyName"] input').inputValue()).resolves.toBe('data');
	await page.screenshot({ path: join(outputDir, 'node-panel-binary.png') });
});
