// The package's one runtime dependency, imported in this file only. n8n's community rules forbid runtime
// dependencies; the official fal client is the accepted exception because it does all of the talking to
// fal (queue, status stream, storage upload) that the node would otherwise re-implement. The exception is
// declared once, in eslint.config.mjs (`falClientException`), where n8n's scanner rules see it too.
import { ApiError, createFalClient, isRetryableError, ValidationError, type FalClient, type QueueStatus, type Result } from '@fal-ai/client';

export { ApiError, createFalClient, isRetryableError, ValidationError };

/** The one fal endpoint this package calls. */
export const ENDPOINT_ID = 'openrouter/router/audio';
export type { FalClient, QueueStatus, Result };
