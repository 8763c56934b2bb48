import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

const CHUNK_BYTES = 64 * 1024;
const GROUP_BYTES = 1024 * 1024;

/**
 * Reads a binary property into a Blob, the only file input the fal client uploads. A stored binary
 * (filesystem, database or S3 mode) is streamed in chunks that are packed into 1 MB Blobs as they arrive,
 * so a large file is held once, not as a Buffer plus a copy. `inspect` sees the first chunk before the
 * rest is read, so an unsupported file is refused after 64 KB of I/O; if it throws, reading stops.
 */
export async function readBinaryAsBlob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binary: IBinaryData,
	inspect: (head: Uint8Array) => void,
): Promise<Blob> {
	if (!binary.id) {
		// Inline (base64) binary data is already in memory; decoding it is the one copy.
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
		inspect(bytes);
		return new Blob([bytes as Uint8Array<ArrayBuffer>]);
	}

	const stream = await ctx.helpers.getBinaryStream(binary.id, CHUNK_BYTES);
	const groups: Blob[] = [];
	let pending: Uint8Array<ArrayBuffer>[] = [];
	let pendingBytes = 0;
	let inspected = false;
	try {
		for await (const chunk of stream as AsyncIterable<Uint8Array<ArrayBuffer>>) {
			if (!inspected) {
				inspect(chunk);
				inspected = true;
			}
			pending.push(chunk);
			pendingBytes += chunk.length;
			if (pendingBytes >= GROUP_BYTES) {
				groups.push(new Blob(pending));
				pending = [];
				pendingBytes = 0;
			}
		}
	} finally {
		stream.destroy();
	}
	if (!inspected) inspect(new Uint8Array(0));
	groups.push(new Blob(pending));
	// Blobs made of Blobs share their bytes; nothing is copied here.
	return new Blob(groups);
}

/** A binary file's size before it is read: a stored binary's metadata, or the decoded size of inline base64. */
export async function binarySize(ctx: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	return binary.id ? (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize : Math.floor((binary.data.length * 3) / 4);
}
