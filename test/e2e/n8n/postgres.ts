/**
 * PostgreSQL for production-like n8n: Debian's `postgresql` server binaries, a fresh cluster (initdb)
 * in a scratch data folder, on a free loopback port with its own socket folder, trust auth on
 * loopback only, durability off (a throwaway test database). Stopped with the n8n processes
 * (stopAll) and its folder removed by removeTempDirs(), also when the test fails.
 *
 * PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user that Debian's
 * package creates, in a folder under /tmp that user can reach (the suite's TMPDIR is root-only).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec, run } from '../../../scripts/n8n-env.cjs';
import { makeTempDir } from './fixtures';
import { freePort, tail, track } from './process';
import { sleep } from './wait';

export interface Postgres {
	port: number;
	database: string;
	/** n8n's environment for this database. */
	env: Record<string, string>;
	logs: () => string;
	/** The rows of a query as JSON (psql as the superuser), for asserting what n8n stored. */
	query: <T = Record<string, unknown>>(sql: string) => Promise<T[]>;
}

/** Folder of initdb/postgres/pg_isready: Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH. */
function binDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
	for (const major of majors.sort((a, b) => Number(b) - Number(a))) {
		const dir = join(root, major, 'bin');
		if (existsSync(join(dir, 'postgres'))) return dir;
	}
	const which = spawnSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' });
	if (which.status === 0) return join(which.stdout.trim(), '..');
	throw new Error('PostgreSQL server not found (apt-get install postgresql)');
}

/** uid/gid to run the server as: ours, or the `postgres` user's when we are root. */
function serverUser(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	const [u, g] = [id('-u'), id('-g')];
	if (u.status !== 0 || g.status !== 0) {
		throw new Error('running as root: PostgreSQL needs the `postgres` user (apt-get install postgresql creates it)');
	}
	return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** A fresh PostgreSQL cluster with an empty database `n8n`, ready for connections. */
export async function startPostgres(): Promise<Postgres> {
	const bin = binDir();
	const user = serverUser();
	const dir = makeTempDir('postgres', user.uid === undefined ? undefined : '/tmp');
	if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
	const data = join(dir, 'data');
	const asServer = { ...user, cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
	await exec(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], asServer);

	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		port: String(port),
		unix_socket_directories: dir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
	};
	const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
	const child = track(spawn(join(bin, 'postgres'), args, { ...asServer, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
	let output = '';
	child.stdout!.on('data', (c) => (output += c));
	child.stderr!.on('data', (c) => (output += c));
	const logs = (): string => output;

	const isReady = async () =>
		(await run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'])).code === 0;
	for (let i = 0; i < 100 && child.exitCode === null && !(await isReady()); i++) await sleep(200);
	if (!(await isReady())) throw new Error(`PostgreSQL did not start:\n${tail(logs(), 3000)}`);

	const database = 'n8n';
	await exec(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
	const query = async (sql: string) => {
		const json = `SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`;
		const { stdout } = await exec('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-At', '-c', json]);
		return JSON.parse(stdout);
	};
	return {
		port,
		database,
		logs,
		query,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
		},
	};
}
