/**
 * Files of the e2e suite: where the packed package and the audio fixtures are, fresh user folders
 * with the package installed, and scratch folders removed by removeTempDirs().
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { wav } from '../../fixtures/wav';
import { n8nPaths } from './process';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const outputDir = join(repoRoot, 'test-output', 'e2e');
export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'audio');
export const PACKAGE_NAME = 'n8n-nodes-fal-openrouter-audio';
export const NODE_TYPE = `${PACKAGE_NAME}.openRouterAudio`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.openRouterAudioTrigger`;

const tempDirs: string[] = [];

/** A scratch folder (in `parent`, default the temp folder) removed by removeTempDirs(). */
export function makeTempDir(label: string, parent = tmpdir()): string {
	const dir = mkdtempSync(join(parent, `n8n-e2e-${label}-`));
	tempDirs.push(dir);
	return dir;
}

/** Removes every folder made here (kept with E2E_KEEP_TMP=1). */
export function removeTempDirs(): void {
	if (process.env.E2E_KEEP_TMP) return;
	for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh N8N_USER_FOLDER with the packed package installed as a community package. */
export function makeUserFolder(label: string): string {
	const dir = makeTempDir(label);
	mkdirSync(join(dir, '.n8n'), { recursive: true });
	cpSync(n8nPaths().nodesTemplate, join(dir, '.n8n', 'nodes'), { recursive: true, verbatimSymlinks: true });
	return dir;
}

/** The fixture if it exists, else a tiny generated WAV (0.1 s, 16 kHz mono 16-bit). */
export function audioFixture(name = 'speech.wav'): string {
	const file = join(fixturesDir, name);
	if (existsSync(file)) return file;
	const out = join(makeTempDir('audio'), name.endsWith('.wav') ? name : 'speech.wav');
	writeFileSync(out, wav(3200));
	return out;
}
