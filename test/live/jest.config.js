/** `npm run test:live` (test/live/run.mjs): real fal, no emulator; apart from `npm test`, which never sees *.live.ts. */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/live/**/*.live.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/tools/harness/env.ts'],
	reporters: ['default', '<rootDir>/test/tools/summary-reporter.js'],
	// a real fal queue: a job may wait its turn
	testTimeout: 600000,
	maxWorkers: 1,
	verbose: true,
};
