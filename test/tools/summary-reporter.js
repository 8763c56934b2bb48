'use strict';
// Ends a jest run with one plain line, "tests: N passed, N failed", that any CI log reader understands. It is
// jest's own summary with that line after it: jest always puts its summary after every configured reporter, so
// the config names this one instead of 'default' (the per-file lines come from progress-reporter.js).
const { SummaryReporter } = require('@jest/reporters');

class PlainSummaryReporter extends SummaryReporter {
	async onRunComplete(contexts, results) {
		await super.onRunComplete(contexts, results);
		const skipped = results.numPendingTests + results.numTodoTests;
		process.stderr.write(
			`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
		);
	}
}
module.exports = PlainSummaryReporter;
