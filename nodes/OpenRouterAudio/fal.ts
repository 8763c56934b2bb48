// The package's one runtime dependency, imported in this file only. n8n's community rules forbid runtime
// dependencies; the official fal client is the accepted exception because it does all of the talking to
// fal (queue, status stream, storage upload, its own retries) that the node would otherwise re-implement.
export { ApiError, createFalClient, isRetryableError, ValidationError } from '@fal-ai/client';
export type { FalClient, QueueStatus, Result } from '@fal-ai/client';
