/** webhook/memory.ts: each job once, within bounds. */
import type { IDataObject } from 'n8n-workflow';

import { DeliveryMemory, REMEMBER_MAX, REMEMBER_MS } from '../../../../nodes/OpenRouterAudio/webhook/memory';

let scopes = 0;
const clock = { now: 1_000_000 };
const memoryOn = (staticData: IDataObject) => new DeliveryMemory(staticData, `test-${++scopes}`, () => clock.now);

test('an accepted request ID is remembered in the static data, which alone (another process) still knows it', () => {
	const staticData: IDataObject = {};
	const memory = memoryOn(staticData);
	expect(memory.has('r-1')).toBe(false);
	memory.remember('r-1');
	expect(memory.has('r-1')).toBe(true);
	expect(staticData.acceptedRequests).toEqual({ 'r-1': clock.now });
	// What n8n saved with the workflow, read by a process that never saw the delivery.
	expect(memoryOn(JSON.parse(JSON.stringify(staticData))).has('r-1')).toBe(true);
	expect(memoryOn({}).has('r-1')).toBe(false);
});

test(`forgotten after ${REMEMBER_MS / 3_600_000} hours`, () => {
	const staticData: IDataObject = {};
	memoryOn(staticData).remember('old');
	clock.now += REMEMBER_MS;
	expect(memoryOn(staticData).has('old')).toBe(true);
	clock.now += 1;
	expect(memoryOn(staticData).has('old')).toBe(false);
	memoryOn(staticData).remember('new');
	expect(Object.keys(staticData.acceptedRequests as object)).toEqual(['new']);
});

test(`at most ${REMEMBER_MAX} request IDs are kept, the oldest go first`, () => {
	const staticData: IDataObject = { acceptedRequests: Object.fromEntries(Array.from({ length: REMEMBER_MAX }, (_, i) => [`r-${i}`, clock.now - REMEMBER_MAX + i])) };
	memoryOn(staticData).remember('latest');
	const kept = Object.keys(staticData.acceptedRequests as object);
	expect(kept).toHaveLength(REMEMBER_MAX);
	expect(kept).not.toContain('r-0');
	expect(kept).toContain('r-1');
	expect(kept).toContain('latest');
});
