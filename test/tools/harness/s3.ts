// A fake S3 (s3rver, on 127.0.0.1, objects in a temp folder) for n8n's S3 binary data mode, and its own
// records of what was stored, read from its store rather than through n8n.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';

export const S3_BUCKET = 'n8n';

export interface S3StoredObject {
	key: string;
	body: Buffer;
	/** As S3 holds them: content-type, content-length, x-amz-meta-filename, ... */
	metadata: Record<string, string>;
}

export interface S3Server {
	/** host:port, as n8n's N8N_EXTERNAL_STORAGE_S3_HOST takes it. */
	host: string;
	bucket: string;
	/** Every object in the bucket, sorted by key. */
	objects(): Promise<S3StoredObject[]>;
	close(): Promise<void>;
}

async function readAll(stream: Readable | null): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream ?? []) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startS3Server(): Promise<S3Server> {
	const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
	const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: S3_BUCKET }] });
	const { port } = await server.run();
	return {
		host: `127.0.0.1:${port}`,
		bucket: S3_BUCKET,
		objects: async () => {
			const { objects } = await server.store.listObjects(S3_BUCKET, {});
			const stored = await Promise.all(
				objects.map(async ({ key }) => {
					const object = await server.store.getObject(S3_BUCKET, key);
					return { key, body: await readAll(object?.content ?? null), metadata: object?.metadata ?? {} };
				}),
			);
			return stored.sort((a, b) => a.key.localeCompare(b.key));
		},
		close: async () => {
			await server.close();
			rmSync(directory, { recursive: true, force: true });
		},
	};
}

/** One S3 server for a test file: started before its tests, stopped after them. */
export function useS3Server(): () => S3Server {
	let server: S3Server | undefined;
	beforeAll(async () => {
		server = await startS3Server();
	});
	afterAll(async () => {
		await server?.close();
	});
	return () => {
		if (!server) throw new Error('the S3 server is not running');
		return server;
	};
}
