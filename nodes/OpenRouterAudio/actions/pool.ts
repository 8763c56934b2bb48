/**
 * Runs `worker` for indexes 0..count-1 with at most `limit` running at once and returns the results in
 * index order. After the first failure no new index starts, `stop` is aborted so running workers can
 * wind down, and that first error is thrown once they have.
 */
export async function mapConcurrent<T>(
	count: number,
	limit: number,
	worker: (index: number, stop: AbortSignal) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	const stop = new AbortController();
	let next = 0;
	let failure: { error: unknown } | undefined;

	const runner = async () => {
		while (!failure && next < count) {
			const index = next++;
			try {
				results[index] = await worker(index, stop.signal);
			} catch (error) {
				if (!failure) {
					failure = { error };
					stop.abort(error);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, runner));
	if (failure) throw failure.error;
	return results;
}
