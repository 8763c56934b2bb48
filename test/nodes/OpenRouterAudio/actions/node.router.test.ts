import { NODE_NAME, runWorkflow, triggerThen, useFalEmulator } from '../../../tools/harness';

const emulator = useFalEmulator();

test('an operation this node does not have fails the node as a node error naming it, before anything is sent', async () => {
	const result = await runWorkflow(triggerThen({ operation: 'transcribeVideo', audioUrl: 'https://audio.example/a.mp3' }));
	const error = result.error(NODE_NAME);
	expect(error?.name).toBe('NodeOperationError');
	expect(error?.message).toBe('The operation "transcribeVideo" is not one this node has');
	expect(error?.description).toMatch(/choose one in its "Operation" field: "Analyze Audio", "Submit Job", "Get Job"/);
	expect(emulator().requests).toEqual([]);
});
