import { configs as n8nCommunityNodes } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.build/**', '.n8n-dev/**', 'test-output/**', 'coverage/**'] },
	// n8n's rules for community packages apply to what ships: the node, the credential and package.json.
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodes.recommended,
		languageOptions: { parser: tseslint.parser },
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [tseslint.configs.recommended],
	},
	{
		// The one accepted exception to n8n's "no runtime dependencies" rule: the official fal client does
		// all of the talking to fal (queue, storage, retries), so it ships as the package's only dependency.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			// Tests poke at protocol payloads and n8n internals whose types are not exported.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
);
