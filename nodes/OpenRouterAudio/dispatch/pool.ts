import { sleep } from 'n8n-workflow';

/** Items started in one turn of the event loop at most (see pump). */
const START_BURST = 8;

/** How many items may be in flight, and a way to hear when that may have changed. */
export interface Admission {
	limit(): number;
	onChange?(listener: () => void): () => void;
}

/**
 * Runs `worker` for indexes 0..count-1, starting them in index order while fewer than `admission.limit()`
 * run, and returns the results in index order. After the first failure no new index starts, `stop` is
 * aborted so running workers can wind down, and that first error is thrown once they have. With
 * `finishAll`, a failure stops nothing: every index runs, and the first error is thrown at the end.
 */
export async function mapAdmitted<T>(
	count: number,
	admission: Admission,
	worker: (index: number, stop: AbortSignal) => Promise<T>,
	{ finishAll = false }: { finishAll?: boolean } = {},
): Promise<T[]> {
	const results = new Array<T>(count);
	const stop = new AbortController();
	let next = 0;
	let active = 0;
	let failure: { error: unknown } | undefined;

	return await new Promise<T[]>((resolve, reject) => {
		let settled = false;
		const start = (index: number) => {
			active++;
			worker(index, stop.signal)
				.then(
					(result) => {
						results[index] = result;
					},
					(error: unknown) => {
						if (failure) return;
						failure = { error };
						if (!finishAll) stop.abort(error);
					},
				)
				.finally(() => {
					active--;
					pump();
				});
		};
		let resumeScheduled = false;
		const pump = () => {
			if (settled) return;
			// At least one item runs, whatever the limit says, so a batch always moves.
			const going = !failure || finishAll;
			let burst = 0;
			while (going && next < count && (active === 0 || active < admission.limit())) {
				// Each item reads its fields before its first request; dozens started in one go would hold back the
				// requests of the first ones until all were read. The rest start on the event loop's next turn.
				if (burst++ === START_BURST) {
					if (!resumeScheduled) {
						resumeScheduled = true;
						void sleep(0).then(() => {
							resumeScheduled = false;
							pump();
						});
					}
					return;
				}
				start(next++);
			}
			if (active > 0 || (going && next < count)) return;
			settled = true;
			unsubscribe?.();
			if (failure) reject(failure.error);
			else resolve(results);
		};
		const unsubscribe = admission.onChange?.(pump);
		pump();
	});
}
