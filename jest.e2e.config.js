/** End-to-end suite: a real n8n 2.41.1 with the packed package. Run with `npm run test:e2e` (scripts/e2e.mjs). */
module.exports = {
	testEnvironment: 'node',
	rootDir: __dirname,
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/tools/harness/env.ts'],
	// n8n boots in seconds, a queue-mode batch or a browser session in tens of seconds.
	reporters: ['default', '<rootDir>/test/tools/summary-reporter.js'],
	testTimeout: 240000,
	maxWorkers: 1,
	// Each file starts and stops its own n8n processes; a file that fails still cleans up in afterAll.
	forceExit: false,
	verbose: true,
};
