// `npm run test:live` without a key: one line, exit 0, nothing built or sent (CI runs without FAL_KEY).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('without FAL_KEY the live check says so in one line and exits 0', () => {
	const env = { ...process.env };
	delete env.FAL_KEY;
	const result = spawnSync(process.execPath, [join(__dirname, 'run.mjs')], { env, encoding: 'utf8', timeout: 20_000 });
	expect(result.status).toBe(0);
	expect(result.stderr).toBe('');
	expect(result.stdout).toBe('test:live: FAL_KEY is not set, nothing sent to fal (FAL_KEY=<your key> npm run test:live runs it)\n');
});
