#!/usr/bin/env node
// `npm run test:live`: the first-run example and a Segments transcript against the real fal, with the key
// in FAL_KEY; prints what each job cost. Without FAL_KEY it says so in one line and exits 0 (CI needs no key).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

if (!process.env.FAL_KEY) {
	console.log('test:live: FAL_KEY is not set, nothing sent to fal (FAL_KEY=<your key> npm run test:live runs it)');
	process.exit(0);
}
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const step = (cmd, args) => spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' }).status ?? 1;
const jest = join(repo, 'node_modules', 'jest', 'bin', 'jest.js');
process.exit(step('npm', ['run', 'build']) || step(process.execPath, [jest, '-c', join(repo, 'test', 'live', 'jest.config.js')]));
