import { readWebhookUrl } from '../../../../nodes/OpenRouterAudio/actions/submit.operation';
import { fakeContext, thrown } from '../../../tools/harness';

const read = (webhookUrl: unknown) => readWebhookUrl(fakeContext({ webhookUrl }), 0);

describe('readWebhookUrl', () => {
	test.each(['https://n8n.example/webhook/fal-done', 'http://localhost:5678/webhook-waiting/12?signature=abc'])('%j is sent as it is', (value) => {
		expect(read(value)).toBe(value);
	});

	test('empty means no webhook', () => {
		expect(read('')).toBeUndefined();
		expect(read('  ')).toBeUndefined();
		expect(read(undefined)).toBeUndefined();
	});

	test.each(['n8n.example/webhook', '/webhook/x', 'https://n8n.example/web hook', 'https://', 'not a url'])('%j is not a valid URL', (value) => {
		expect(thrown(() => read(value))).toBe(`The "Webhook URL" field is not a valid URL: ${JSON.stringify(value)} [item 0]`);
	});

	test.each([['ftp://n8n.example/x', 'ftp:'], ['mailto:me@example.com', 'mailto:'], ['javascript:alert(1)', 'javascript:']])('%j is refused for its scheme', (value, protocol) => {
		expect(thrown(() => read(value))).toBe(`The "Webhook URL" field uses "${protocol}", but fal can only post to http(s) URLs [item 0]`);
	});

	test('a non-text value is named', () => {
		expect(thrown(() => read(42))).toBe('The "Webhook URL" field is a number, not a URL [item 0]');
	});
});
