// Puts n8n-core's BinaryDataService in a binary data mode the way n8n's start-up does
// (packages/cli base-command.js, initBinaryDataService, n8n 2.41.1).
import { ObjectStoreConfig, S3ByteStore, type ObjectStoreService } from '@n8n/blob-storage';
import { Container, type Constructable } from '@n8n/di';
import { BinaryDataBlobManager, BinaryDataConfig, BinaryDataService, ErrorReporter } from 'n8n-core';

import type { S3Server } from './s3';

// The package root exports only the service's type; n8n loads the class (and the AWS SDK) from this
// subpath on demand, which moduleResolution "node" cannot type, hence require.
const loadObjectStoreService = (): Constructable<ObjectStoreService> =>
	(require('@n8n/blob-storage/object-store') as { ObjectStoreService: Constructable<ObjectStoreService> }).ObjectStoreService;

/**
 * 'default': no BinaryDataService, binaries stay inline as base64.
 * 'filesystem': files under <N8N_USER_FOLDER>/.n8n/storage, items carry an `id` `filesystem-v2:...`.
 * 's3': objects in an S3 bucket (here s3rver), ids `s3:...`. A real n8n refuses to start in S3 mode without
 * an enterprise license ("S3 binary data storage requires a valid license"), so this mode is tested at
 * n8n-core's level, wired exactly as n8n wires it once licensed.
 * ('database' mode needs n8n's database: the e2e queue test runs it in the real n8n.)
 */
export type BinaryMode = 'default' | 'filesystem' | 's3';

export async function initBinaryData(mode: BinaryMode, s3?: S3Server): Promise<void> {
	if (mode === 'default') return;
	const service = Container.get(BinaryDataService);
	if (mode === 's3') {
		if (!s3) throw new Error("runWorkflow: binaryMode 's3' needs an S3 server (option s3, see useS3Server)");
		const config = Container.get(ObjectStoreConfig);
		config.host = s3.host;
		config.protocol = 'http';
		config.forcePathStyle = true;
		config.bucket = { name: s3.bucket, region: 'us-east-1' };
		config.credentials = { accessKey: 'S3RVER', accessSecret: 'S3RVER', authAutoDetect: false };
		const objectStore = Container.get(loadObjectStoreService());
		await objectStore.init();
		service.setManager('s3', new BinaryDataBlobManager(new S3ByteStore(objectStore), Container.get(ErrorReporter)));
	}
	Container.get(BinaryDataConfig).mode = mode;
	await service.init();
}
