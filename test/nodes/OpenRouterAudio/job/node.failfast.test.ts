import { runWorkflow, NODE_NAME, triggerThen, useFalEmulator } from '../../../tools/harness';

// Only the "slow" job takes long, so the failing item is known to end while the slow one still runs.
const emulator = useFalEmulator({ jobLatency: (input) => (input?.prompt === 'slow' ? 30_000 : 0) });

test('a failing item without Continue On Fail stops the node and cancels the jobs still running', async () => {
	emulator().respondWith((input) =>
		input.prompt === 'fail' ? { error: { status: 422, body: { detail: 'bad audio' } } } : { output: 'ok', usage: {} },
	);
	const result = await runWorkflow(
		triggerThen({ audioUrl: 'https://audio.example/a.mp3', task: 'custom', prompt: '={{ $json.p }}' }, [
			{ p: 'slow' },
			{ p: 'fail' },
		]),
	);
	expect(result.error(NODE_NAME)?.message).toBe('fal rejected the input: bad audio (HTTP 422 from queue.fal.run) [item 1]');
	const slow = [...emulator().jobs.values()].find((job: any) => job.input.prompt === 'slow');
	expect(slow?.cancelled).toBe(true);
});
