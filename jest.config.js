/** Unit and in-process engine tests. The end-to-end suite against a real n8n has its own config. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.spec.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/tools/harness/env.ts'],
	// The engine tests mostly wait (on the emulator's jobs, on the node's clocks): the suite used about a fifth of
	// its wall time as CPU. Four workers overlap those waits even on 2 cores, where jest's default is one.
	maxWorkers: 4,
	reporters: ['<rootDir>/test/tools/progress-reporter.js', '<rootDir>/test/tools/summary-reporter.js'],
	testTimeout: 30000,
};
