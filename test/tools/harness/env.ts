// n8n-core reads these when it is first required, so they are set before any test file loads it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-fal-test-'));
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key-not-secret';
// n8n's logger prints every node error at the default level; keep test output readable.
// Run with N8N_LOG_LEVEL=debug to see the engine's logs.
process.env.N8N_LOG_LEVEL ??= 'silent';
