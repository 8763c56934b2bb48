#!/usr/bin/env node
// Lints the package the way n8n's community package scanner (@n8n/scan-community-package) does before it
// lists a package: its own ESLint config (buildScanConfig), inline `eslint-disable` comments ignored, over
// the source (package.json, nodes/, credentials/) and over every .js, .ts and .json file of the packed
// tarball. The only rules switched off are the package's one exception, imported from eslint.config.mjs.
// Needs a build (dist/); `npm run lint` runs one first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

import { falClientException } from '../eslint.config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

async function lint(label, cwd, patterns) {
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: [...(await buildScanConfig()), ...falClientException],
	});
	const files = glob.sync(patterns, { cwd, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	if (errors > 0) process.stdout.write(await (await eslint.loadFormatter('stylish')).format(results));
	console.log(`scan ${label}: ${files.length} files, ${errors} errors`);
	return errors;
}

function packTarball() {
	const dir = mkdtempSync(join(tmpdir(), 'scan-'));
	execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
	const unpacked = join(dir, 'package');
	execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
	return { dir, unpacked };
}

const { dir, unpacked } = packTarball();
try {
	const declarations = glob.sync('**/*.d.ts', { cwd: unpacked });
	if (declarations.length > 0) console.log(`scan tarball: ships type declarations, which the scanner lints: ${declarations.join(', ')}`);
	const errors = (await lint('source', root, SOURCE_FILE_PATTERNS)) + (await lint('tarball', unpacked, TARBALL_PATTERNS));
	process.exitCode = errors > 0 || declarations.length > 0 ? 1 : 0;
} finally {
	rmSync(dir, { recursive: true, force: true });
}
