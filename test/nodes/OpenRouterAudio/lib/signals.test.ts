import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { anySignal } from '../../../../nodes/OpenRouterAudio/lib/signals';

// Node 20 holds the sources of AbortSignal.any weakly: a timeout signal nobody else holds is collected by the
// garbage collector and the combined signal never aborts. Seen as an item that watched a job far past its time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a combined signal fires for a timeout signal only it holds, through garbage collections', async () => {
	const combined = anySignal(AbortSignal.timeout(300), new AbortController().signal)!;
	const fired = new Promise<string>((resolve) => combined.addEventListener('abort', () => resolve((combined.reason as Error).name)));
	const collecting = setInterval(gc, 20);
	const outcome = await Promise.race([fired, new Promise((resolve) => setTimeout(() => resolve('never fired'), 2000))]);
	clearInterval(collecting);
	expect(outcome).toBe('TimeoutError');
});

test('one signal is returned as it is, none as undefined', () => {
	const only = new AbortController().signal;
	expect(anySignal(undefined, only)).toBe(only);
	expect(anySignal()).toBeUndefined();
});
