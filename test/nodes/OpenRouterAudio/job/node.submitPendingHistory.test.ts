import { runWorkflow } from '../../../harness/run';
import { NODE_NAME, triggerThen } from '../../../harness/workflow';
import { useFalEmulator } from '../useFalEmulator';

// Guarantee 1 where fal's request history also lists jobs that have not finished: then "no job with this
// input" can be trusted (a few seconds after the submit), and only then is the submit sent once more.
const emulator = useFalEmulator({
	itemKey: (input) => input?.prompt,
	jobLatency: (input) => (input?.prompt === 'Slow' ? 8000 : 0),
});
const AUDIO = 'https://audio.example/a.mp3';

test('a submit lost before fal created anything is sent again once the history shows no job', async () => {
	// Item 0 runs long, so the history has an unfinished job to show; item 1's first submit never reaches the app.
	emulator().fault({ route: 'submit', drop: true, match: (req) => (req.body as { prompt?: string })?.prompt === 'Item 1' });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: '={{ $json.p }}' }, [{ p: 'Slow' }, { p: 'Item 1' }]));
	expect(result.items(NODE_NAME).map((item) => item.json.output)).toEqual([expect.stringContaining('Slow'), expect.stringContaining('Item 1')]);
	expect([...emulator().jobsBy((job) => job.key).values()].map((jobs) => jobs.length)).toEqual([1, 1]);
	expect(emulator().requests.filter((r) => r.route === 'submit')).toHaveLength(3);
}, 30_000);

test('a job still running when its submit answer was lost is adopted while it runs', async () => {
	emulator().fault({ route: 'submit', after: 'drop' });
	const result = await runWorkflow(triggerThen({ audioUrl: AUDIO, task: 'custom', prompt: 'Slow' }));
	expect(result.items(NODE_NAME)[0].json.output).toEqual(expect.stringContaining('Slow'));
	expect(emulator().jobs.size).toBe(1);
	expect(emulator().undelivered()).toEqual([]);
}, 30_000);
