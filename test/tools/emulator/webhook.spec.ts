/** webhook.js: the result POSTed to fal_webhook when a job ends. */
import { emu, fal, input, startSink, useRoutedClient } from './client';
import { ENDPOINT_ID } from './server';
import { defaultAnswer } from './validate';

useRoutedClient();

describe('webhook', () => {
	it('POSTs the result to fal_webhook', async () => {
		const sink = await startSink();
		try {
			const { request_id } = await fal.queue.submit(ENDPOINT_ID, { input: input(), webhookUrl: `${sink.url}/hook` });
			expect(emu.requests[0].query).toEqual({ fal_webhook: `${sink.url}/hook` });
			expect(await sink.next()).toEqual({
				request_id,
				gateway_request_id: request_id,
				status: 'OK',
				payload: defaultAnswer(input()),
			});
			await fal.queue.submit(ENDPOINT_ID, { input: input({ prompt: 5 }), webhookUrl: `${sink.url}/hook` });
			expect(await sink.next()).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' });
		} finally {
			await sink.close();
		}
	});
});
