/** Unit and in-process engine tests. The end-to-end suite against a real n8n has its own config. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.spec.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/tools/harness/env.ts'],
	reporters: ['default', '<rootDir>/test/tools/summary-reporter.js'],
	testTimeout: 30000,
};
