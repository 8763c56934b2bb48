// The node's fixed waits for fal's behaviour (transport/timing.ts), set from outside for one test file: in the
// built package the engine loads (the same module instance n8n's loader requires), the way route.js sends fal's
// hosts to the emulator. Each execution that starts afterwards takes them on its session; production keeps
// PRODUCTION_TIMING.
import { join } from 'node:path';

import type { Timing } from '../../../nodes/OpenRouterAudio/transport/timing';
import { repoRoot } from './loader';

type TimingModule = typeof import('../../../nodes/OpenRouterAudio/transport/timing');

/** The built package's timing module (dist/), as the node under test sees it. */
export const builtTiming = (): TimingModule =>
	require(join(repoRoot, 'dist', 'nodes', 'OpenRouterAudio', 'transport', 'timing.js')) as TimingModule;

/**
 * Sets `overrides` for the test file's executions, from its first test; the previous waits come back after its
 * last. Returns the waits the file's executions take.
 */
export function useNodeTiming(overrides: Partial<Timing>): Readonly<Timing> {
	let restore: (() => void) | undefined;
	beforeAll(() => {
		restore = builtTiming().setTiming(overrides);
	});
	afterAll(() => restore?.());
	return { ...builtTiming().PRODUCTION_TIMING, ...overrides };
}
