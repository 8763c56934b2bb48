'use strict';
// jest's 'default' reporter without its summary (summary-reporter.js prints that, then the plain line);
// `--verbose` still lists every test.
const { DefaultReporter, VerboseReporter } = require('@jest/reporters');

module.exports = class ProgressReporter {
	constructor(globalConfig) {
		return globalConfig.verbose ? new VerboseReporter(globalConfig) : new DefaultReporter(globalConfig);
	}
};
