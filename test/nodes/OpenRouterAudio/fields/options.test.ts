import type { INodeProperties } from 'n8n-workflow';

import { MODELS, modelField } from '../../../../nodes/OpenRouterAudio/fields/model';
import {
	defaultRetryPolicy,
	optionsCollection,
	readMaxBytes,
	readMaxConcurrentJobs,
	readRetryPolicy,
	readTimeLimits,
	readUploadMemoryBytes,
} from '../../../../nodes/OpenRouterAudio/fields/options';
import { fakeContext } from '../../../tools/harness';

// The Options show their defaults as literals (n8n's lint reads them); an unset option must do what it shows.
const shown = Object.fromEntries((optionsCollection().options as INodeProperties[]).map((option) => [option.name, option.default]));
const unset = fakeContext({ options: {} });
const MB = 1024 * 1024;

describe('an unset option does what its field shows', () => {
	test('Timeout, Max Queue Wait, Max Retries, Max File Size, Upload Memory, Max Concurrent Jobs', () => {
		expect(readTimeLimits(unset, 0)).toEqual({ timeoutMs: Number(shown.timeout) * 1000, queueWaitMs: Number(shown.maxQueueWait) * 1000 });
		expect(readRetryPolicy(unset, 0).maxRetries).toBe(shown.maxRetries);
		expect(defaultRetryPolicy()).toEqual(readRetryPolicy(unset, 0));
		expect(readMaxBytes(unset, 0)).toBe(Number(shown.maxFileSizeMb) * MB);
		expect(readUploadMemoryBytes(unset)).toBe(Number(shown.uploadMemoryMb) * MB);
		// 0 = automatic, no upper bound.
		expect(shown.concurrency).toBe(0);
		expect(readMaxConcurrentJobs(unset)).toBe(Infinity);
	});

	test('a set option is read as set', () => {
		const set = fakeContext({ options: { timeout: 5, maxQueueWait: '90', maxRetries: 0, maxFileSizeMb: 2, concurrency: 3 } });
		expect(readTimeLimits(set, 0)).toEqual({ timeoutMs: 5000, queueWaitMs: 90_000 });
		expect(readRetryPolicy(set, 0).maxRetries).toBe(0);
		expect(readMaxBytes(set, 0)).toBe(2 * MB);
		expect(readMaxConcurrentJobs(set)).toBe(3);
	});
});

describe('the Options collection', () => {
	test('an operation\'s own options join the shared ones, listed alphabetically', () => {
		const own: INodeProperties = { displayName: 'Aardvark', name: 'aardvark', type: 'boolean', default: false };
		const names = (optionsCollection([own]).options as INodeProperties[]).map((option) => option.displayName);
		expect(names[0]).toBe('Aardvark');
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});
});

test('the Model field starts on the first model of the built-in list', () => {
	expect(modelField.default).toEqual({ mode: 'list', value: MODELS[0].value });
});
