/** redis-server for queue mode: on a free loopback port, no persistence, stopped with the n8n processes. */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { makeTempDir } from './fixtures';
import { freePort, track } from './process';
import { sleep } from './wait';

async function redisPing(port: number): Promise<boolean> {
	return await new Promise((res) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (d) => {
			socket.destroy();
			res(d.toString().startsWith('+PONG'));
		});
		socket.once('error', () => res(false));
		socket.once('timeout', () => {
			socket.destroy();
			res(false);
		});
	});
}

/** redis-server on a free loopback port (tracked: stopAll() stops it with the n8n processes). */
export async function startRedis(): Promise<number> {
	const redisPort = await freePort();
	const redisDir = makeTempDir('redis');
	track(
		spawn(
			'redis-server',
			['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir],
			{ detached: true, stdio: 'ignore' },
		),
	);
	for (let i = 0; i < 50 && !(await redisPing(redisPort)); i++) await sleep(100);
	if (!(await redisPing(redisPort))) throw new Error('redis-server did not start (apt-get install redis-server)');
	return redisPort;
}
