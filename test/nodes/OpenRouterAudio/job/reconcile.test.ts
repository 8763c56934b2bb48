import { compareInput, identify, type LostSubmit } from '../../../../nodes/OpenRouterAudio/job/reconcile';
import type { HistoryEntry } from '../../../../nodes/OpenRouterAudio/transport/history';
import type { AudioRequest } from '../../../../nodes/OpenRouterAudio/transport/queue';

// The identity rule of a lost submit's job, against the forms fal's history may keep an input in (fal's docs do
// not say which): as sent, filled in with the endpoint's defaults, keys in another order, or not at all.
const SENT: AudioRequest = { audio_url: 'https://audio.example/a.mp3', prompt: 'Transcribe.', model: 'google/gemini-2.5-flash' };

describe('compareInput', () => {
	test.each([
		['as sent', { ...SENT }],
		['keys in another order', { model: SENT.model, prompt: SENT.prompt, audio_url: SENT.audio_url }],
		['as the validated model dumps it', { audio_url: SENT.audio_url, prompt: SENT.prompt, system_prompt: null, model: SENT.model, reasoning: false, temperature: 1, max_tokens: null }],
		['a float default written as a float', JSON.parse(`{"audio_url":"${SENT.audio_url}","prompt":"${SENT.prompt}","model":"${SENT.model}","temperature":1.0}`)],
	])('the same input %s', (_, listed) => {
		expect(compareInput(SENT, listed)).toBe('same');
	});

	test('a field the item sent, listed the same way in the filled-in form; a default it sent, listed as absent', () => {
		const sent = { ...SENT, temperature: 0.5, reasoning: false };
		expect(compareInput(sent, { ...SENT, system_prompt: null, reasoning: false, temperature: 0.5, max_tokens: null })).toBe('same');
		expect(compareInput(sent, { ...SENT, temperature: 0.5 })).toBe('same');
	});

	test.each([
		['another prompt', { ...SENT, prompt: 'Summarise.' }],
		['a field the item did not send, not at its default', { ...SENT, temperature: 0.7 }],
		['reasoning on, which the item left at its default', { ...SENT, reasoning: true }],
		['a field the item sent, missing and not at its default', { audio_url: SENT.audio_url, model: SENT.model }],
		['a number where text was sent', { ...SENT, prompt: 1 }],
		['a differing field beside one the schema does not name', { ...SENT, prompt: 'Other.', sync_mode: true }],
	])('rules out %s', (_, listed) => {
		expect(compareInput(SENT, listed)).toBe('differs');
	});

	test.each([
		['no payloads (null)', null],
		['no payloads (absent)', undefined],
		['an input that is not an object', 'audio_url=...'],
		['a list', [SENT]],
		['a field the schema does not name', { ...SENT, sync_mode: true }],
	])('cannot compare %s', (_, listed) => {
		expect(compareInput(SENT, listed)).toBe('unknown');
	});
});

describe('identify', () => {
	const SENT_AT = Date.parse('2026-01-01T10:00:00.000Z');
	const lost: LostSubmit = { input: SENT, sentAt: SENT_AT, lostAt: SENT_AT + 5000, startTimeoutMs: 0 };
	const SKEW = 1000;
	const entry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
		request_id: 'req-1',
		sent_at: new Date(SENT_AT + 2000).toISOString(),
		started_at: new Date(SENT_AT + 3000).toISOString(),
		json_input: { ...SENT },
		...over,
	});
	const none = new Map<string, number>();

	test('a started request with this input, sent between the send and the loss, that no other item holds: mine', () => {
		expect(identify(entry(), lost, none, SKEW)).toBe('mine');
		// The window's edges, with the skew allowed for on both sides.
		expect(identify(entry({ sent_at: new Date(SENT_AT - SKEW).toISOString() }), lost, none, SKEW)).toBe('mine');
		expect(identify(entry({ sent_at: new Date(lost.lostAt + SKEW).toISOString() }), lost, none, SKEW)).toBe('mine');
	});

	test('sent outside the window, held by another item, or with a differing field: not mine, whatever its payloads', () => {
		for (const json_input of [{ ...SENT }, null]) {
			expect(identify(entry({ json_input, sent_at: new Date(SENT_AT - SKEW - 1).toISOString() }), lost, none, SKEW)).toBe('not-mine');
			expect(identify(entry({ json_input, sent_at: new Date(lost.lostAt + SKEW + 1).toISOString() }), lost, none, SKEW)).toBe('not-mine');
			expect(identify(entry({ json_input }), lost, new Map([['req-1', SENT_AT - 100]]), SKEW)).toBe('not-mine');
		}
		expect(identify(entry({ json_input: { ...SENT, temperature: 0 } }), lost, none, SKEW)).toBe('not-mine');
	});

	test('in the window without payloads, without a readable send time, or not started: may be mine, never adopted', () => {
		expect(identify(entry({ json_input: null }), lost, none, SKEW)).toBe('unknown');
		expect(identify(entry({ json_input: undefined }), lost, none, SKEW)).toBe('unknown');
		expect(identify(entry({ sent_at: null }), lost, none, SKEW)).toBe('unknown');
		expect(identify(entry({ sent_at: 'yesterday' }), lost, none, SKEW)).toBe('unknown');
		expect(identify(entry({ started_at: null }), lost, none, SKEW)).toBe('unknown');
	});
});
