// The node's fixed waits (nodes/OpenRouterAudio/transport/waits.ts), shortened for a test file from outside:
// the built package's WAITS, which each execution's session copies when the router creates it. A test that
// asserts on a wait reads the value in force from what useWaits returns, never the production constant.
import { join } from 'node:path';

import type { Waits } from '../../../nodes/OpenRouterAudio/transport/waits';
import { repoRoot } from './loader';

// The same module instance the engine loads (PackageDirectoryLoader requires dist/ in this jest registry).
const builtWaits = (): Waits =>
	(require(join(repoRoot, 'dist', 'nodes', 'OpenRouterAudio', 'transport', 'waits.js')) as { WAITS: Waits }).WAITS;

/** Sets `waits` for the test file's executions and puts the defaults back after it; returns the values in force. */
export function useWaits(waits: Partial<Waits>): () => Readonly<Waits> {
	let saved: Waits | undefined;
	beforeAll(() => {
		saved = { ...builtWaits() };
		Object.assign(builtWaits(), waits);
	});
	afterAll(() => {
		if (saved) Object.assign(builtWaits(), saved);
	});
	return () => ({ ...builtWaits() });
}
