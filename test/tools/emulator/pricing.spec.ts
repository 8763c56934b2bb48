/** pricing.js: the platform API's price of the endpoint, for a valid key only. */
import { useRoutedClient } from './client';
import { ENDPOINT_ID } from './server';

useRoutedClient();

describe('pricing', () => {
	it('serves pricing with a valid key only', async () => {
		const url = 'https://api.fal.ai/v1/models/pricing?endpoint_id=openrouter/router/audio';
		const ok = await fetch(url, { headers: { Authorization: 'Key test-key' } });
		expect(await ok.json()).toEqual({
			prices: [{ endpoint_id: ENDPOINT_ID, unit_price: 0.000001, unit: 'tokens', currency: 'USD' }],
			next_cursor: null,
			has_more: false,
		});
		expect((await fetch(url, { headers: { Authorization: 'Key nope' } })).status).toBe(401);
		expect((await fetch(url)).status).toBe(401);
	});
});
