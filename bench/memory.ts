// Samples the process's memory while a scenario runs; the peak above the starting level is what a run costs.
export interface MemoryPeak {
	baselineRssMb: number;
	peakRssMb: number;
	peakAboveBaselineMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function measurePeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; memory: MemoryPeak }> {
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	try {
		const result = await work();
		peak = Math.max(peak, process.memoryUsage().rss);
		return { result, memory: { baselineRssMb: mb(baseline), peakRssMb: mb(peak), peakAboveBaselineMb: mb(peak - baseline) } };
	} finally {
		clearInterval(timer);
	}
}

export function heapUsedMb(): number {
	global.gc?.();
	global.gc?.();
	return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 1000) / 1000;
}
