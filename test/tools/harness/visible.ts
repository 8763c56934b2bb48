import type { WorkflowRunResult } from './run';
import { NODE_NAME } from './workflow';

/**
 * Lines written to the console during each test (n8n's logger writes there in these runs), captured instead
 * of printed: what an operator would read in n8n's log.
 */
export function useLoggedLines(): () => string[] {
	let logged: string[] = [];
	let spies: jest.SpyInstance[] = [];
	beforeEach(() => {
		logged = [];
		spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
			jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
		);
	});
	afterEach(() => spies.forEach((spy) => spy.mockRestore()));
	return () => logged;
}

/**
 * Every string a user or an operator can see of a run: the run's data, the node's error with its own
 * non-enumerable properties (stack, cause), its output items, and the lines logged.
 */
export function visibleText(result: WorkflowRunResult, logged: string[] = []): string {
	const seen = new WeakSet<object>();
	const replacer = (_key: string, value: unknown) => {
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[seen]';
			seen.add(value);
			if (value instanceof Error) {
				return Object.fromEntries(Object.getOwnPropertyNames(value).map((name) => [name, (value as unknown as Record<string, unknown>)[name]]));
			}
		}
		return value;
	};
	return JSON.stringify([result.run, result.error(NODE_NAME), result.items(NODE_NAME), logged], replacer);
}
