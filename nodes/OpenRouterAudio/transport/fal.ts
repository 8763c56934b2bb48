// The package's one runtime dependency, imported in this file only. n8n's community rules forbid runtime
// dependencies; the official fal client is the accepted exception because it does all of the talking to
// fal (queue, status stream, storage upload, its own retries) that the node would otherwise re-implement.
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- the official fal client does all the talking to fal: the one accepted exception
import { ApiError, createFalClient, isRetryableError, ValidationError, type FalClient, type QueueStatus, type Result } from '@fal-ai/client';

export { ApiError, createFalClient, isRetryableError, ValidationError };
export type { FalClient, QueueStatus, Result };
