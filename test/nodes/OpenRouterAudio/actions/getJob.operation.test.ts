import { readRequestId } from '../../../../nodes/OpenRouterAudio/actions/getJob.operation';
import { fakeContext, thrown } from '../../../tools/harness';

const read = (requestId: unknown) => readRequestId(fakeContext({ requestId }), 1);

describe('readRequestId', () => {
	test.each([
		['764cabcf-b745-4b3e-ae38-1200304cf45b', '764cabcf-b745-4b3e-ae38-1200304cf45b'],
		['  764cabcf-b745-4b3e-ae38-1200304cf45b\n', '764cabcf-b745-4b3e-ae38-1200304cf45b'],
		['764CABCF-B745-4B3E-AE38-1200304CF45B', '764CABCF-B745-4B3E-AE38-1200304CF45B'],
	])('%j is a fal request ID', (value, expected) => {
		expect(read(value)).toBe(expected);
	});

	test.each(['../../x', 'a/b?x=1', '764cabcf-b745-4b3e-ae38-1200304cf45b/..', '764cabcf-b745-4b3e-ae38-1200304cf45b#', '764cabcf-b745-4b3e-ae38 1200304cf45b', '764cabcf%2Fb745', 'req-1'])(
		'%j is refused',
		(value) => {
			expect(thrown(() => read(value))).toBe(`The "Request ID" field is not a fal request ID: ${JSON.stringify(value)} [item 1]`);
		},
	);

	test('empty and non-text values are named', () => {
		expect(thrown(() => read('  '))).toBe('The "Request ID" field is empty [item 1]');
		expect(thrown(() => read({ id: 1 }))).toBe('The "Request ID" field is an object, not text [item 1]');
	});
});
