/** webhook/reference.ts: the ticket Submit Job signs into the trigger's URL. */
import { isTriggerUrl, readTicket, ticketClashes, withTicket } from '../../../../nodes/OpenRouterAudio/webhook/reference';

const URL_ = 'https://n8n.example/webhook/5f1c/openrouter-audio';
const KEY = 'key-id:key-secret';
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

test('a ticket round-trips: reference, model and max_tokens as Submit Job wrote them', () => {
	const url = withTicket(URL_, KEY, { reference: 'meeting 3.mp3', model: 'google/gemini-3-flash-preview', maxTokens: 2000 });
	expect(url.startsWith(`${URL_}?`)).toBe(true);
	expect(readTicket(query(url), KEY)).toEqual({ reference: 'meeting 3.mp3', model: 'google/gemini-3-flash-preview', maxTokens: 2000 });
	const plain = withTicket(URL_, KEY, { model: 'm/x' });
	expect(query(plain)).toEqual({ model: 'm/x', ref_sig: expect.stringMatching(/^[\w-]{43}$/) });
	expect(readTicket(query(plain), KEY)).toEqual({ reference: undefined, model: 'm/x', maxTokens: undefined });
});

test('an altered reference, model or max_tokens, an added or dropped reference, or another key is refused', () => {
	const signed = query(withTicket(URL_, KEY, { reference: 'row-7', model: 'm/x', maxTokens: 100 }));
	const altered = [
		{ ...signed, reference: 'row-8' },
		{ ...signed, model: 'm/y' },
		{ ...signed, max_tokens: '101' },
		Object.fromEntries(Object.entries(signed).filter(([name]) => name !== 'reference')),
		{ ...query(withTicket(URL_, KEY, { model: 'm/x', maxTokens: 100 })), reference: 'row-7' },
		{ ...signed, reference: ['row-7', 'row-8'] },
	];
	for (const q of altered) expect(readTicket(q, KEY)).toMatch(/does not match|not a number/);
	expect(readTicket(signed, 'another-key')).toMatch(/does not match .*another Fal API key/);
});

test('a URL without a ticket (a job not submitted by Submit Job with this credential) is refused', () => {
	expect(readTicket({}, KEY)).toMatch(/no reference signature/);
	expect(readTicket({ reference: 'x', model: 'm/x' }, KEY)).toMatch(/no reference signature/);
});

test("the trigger's URLs are told from others by its webhook path; clashing parameters are named", () => {
	expect(isTriggerUrl(URL_)).toBe(true);
	expect(isTriggerUrl('https://n8n.example/webhook-test/5f1c/openrouter-audio/')).toBe(true);
	expect(isTriggerUrl('https://n8n.example/webhook-waiting/12?signature=ab')).toBe(false);
	expect(isTriggerUrl('https://n8n.example/webhook/fal-done')).toBe(false);
	expect(ticketClashes(`${URL_}?model=a&x=1&ref_sig=b`)).toEqual(['model', 'ref_sig']);
});
