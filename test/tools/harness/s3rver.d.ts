// The part of s3rver 3.7 (no bundled types) the harness uses: the server and its filesystem store.
declare module 's3rver' {
	import type { Readable } from 'node:stream';

	interface S3rverOptions {
		port?: number;
		address?: string;
		silent?: boolean;
		directory: string;
		configureBuckets?: Array<{ name: string }>;
	}

	interface S3rverObject {
		key: string;
		content: Readable | null;
		/** Lower-case header names: content-type, content-length, etag, x-amz-meta-*. */
		metadata: Record<string, string>;
	}

	export default class S3rver {
		constructor(options: S3rverOptions);
		run(): Promise<{ address: string; port: number }>;
		close(): Promise<void>;
		store: {
			listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: S3rverObject[] }>;
			getObject(bucket: string, key: string): Promise<S3rverObject | null>;
		};
	}
}
