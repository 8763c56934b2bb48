// The lint that counts is n8n's own. This file is `n8n-node lint`'s default config (@n8n/node-cli) plus two
// blocks: the package's one exception, and looser rules for code that never ships (tests, bench, scripts).
// `scripts/scan.mjs` lints the source and the packed tarball with the rules of @n8n/scan-community-package
// and imports the same exception from here, so it is written once.
import { config as n8nNodeLint } from '@n8n/node-cli/eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

/** The one file that imports the fal client, in the source and in the compiled package. */
export const FAL_CLIENT_FILES = ['nodes/OpenRouterAudio/transport/client.ts', 'dist/nodes/OpenRouterAudio/transport/client.js'];

/**
 * The accepted exception to n8n's "no runtime dependencies" rules: the official fal client (@fal-ai/client)
 * does all of the talking to fal (queue, status stream, storage uploads) and is the package's only runtime
 * dependency. Because of it the package runs on self-hosted n8n, not on n8n Cloud (see the README).
 */
export const falClientException = [
	{ files: ['package.json'], rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' } },
	{ files: FAL_CLIENT_FILES, rules: { '@n8n/community-nodes/no-restricted-imports': 'off' } },
];

// The rules for what runs inside n8n (no timers, processes, secrets in source...) do not fit code that never ships.
const communityNodeRulesOff = Object.fromEntries(
	Object.keys(n8nCommunityNodesPlugin.rules).map((rule) => [`@n8n/community-nodes/${rule}`, 'off']),
);

const NEVER_SHIPPED = ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.config.ts'];

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.build/**', '.n8n-dev/**', 'test-output/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
	...n8nNodeLint,
	...falClientException,
	{
		// Tests, bench and scripts run in Node, not in n8n: they may use timers, process, the file system and
		// dev dependencies, and poke at protocol payloads and n8n internals whose types are not exported.
		files: NEVER_SHIPPED,
		rules: {
			...communityNodeRulesOff,
			'no-console': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'import-x/no-unresolved': 'off',
		},
	},
);
