// The n8n engine harness's one entry: a workflow run through the real n8n-core engine with this package loaded
// as n8n loads it, the fal emulator beside it, and the small stubs unit tests use. env.ts is loaded first by
// jest (setupFiles) and by the bench.
export { initBinaryData, type BinaryMode } from './binaryData';
export { fakeContext, thrown } from './context-stub';
export { DEFAULT_TEST_CREDENTIALS, TestCredentialsHelper, type TestCredentials } from './credentials';
export { isPackageBuilt, loadPackage, packageName, repoRoot, type LoadedPackage } from './loader';
export { node } from './node-stub';
export { createNodeTypes, TEST_BINARY_TYPE, TEST_TRIGGER_TYPE, TestBinary, TestNodeTypes, TestTrigger, testNodeTypes, type BinaryFileSpec, type NodeTypeMap } from './nodes';
export { runWorkflow, type RunWorkflowOptions, type WorkflowRunResult } from './run';
export { S3_BUCKET, startS3Server, useS3Server, type S3Server, type S3StoredObject } from './s3';
export { AUDIO, defaultAnswer, FIXTURES, submittedBodies, useFalEmulator } from './useFalEmulator';
export * from './workflow';
export { useLoggedLines, visibleText } from './visible';
export { useWaits } from './waits';
export { OPENROUTER_AUDIO_TRIGGER_TYPE, startTriggerServer, type TriggerServer } from './webhookServer';
