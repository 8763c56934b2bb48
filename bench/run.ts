// `npm run bench`: speed and memory of the node against the fal emulator on 127.0.0.1. Prints a table and
// writes bench/results/latest.json. Every number comes from a real run of the node in n8n-core's engine.
import '../test/tools/harness/env';

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { heapUsedMb } from './memory';
import { routeFetchToEmulator } from '../test/tools/emulator';
import type { FalEmulatorOptions } from '../test/tools/emulator';
import { startLocalEmulator, startRemoteEmulator, type RemoteEmulator } from './remoteEmulator';
import {
	accountBatch,
	addedTimePerRequest,
	cancellation,
	heapGrowth,
	largeBinary,
	LATENCY_MS,
	plainSubscribeLoop,
	repeatedRuns,
	round,
	type BatchRow,
} from './scenarios';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
/** Only the batch scenarios (a), e.g. while tuning dispatch. */
const BATCHES_ONLY = args.has('--batches');
const BINARY_MB = QUICK ? 10 : 50;
/** fal account limits (jobs IN_PROGRESS at once) and batch sizes, as in issue 10. */
const ACCOUNTS: Array<[limit: number, items: number]> = QUICK
	? [
			[2, 20],
			[10, 60],
			[40, 120],
		]
	: [
			[2, 60],
			[10, 200],
			[40, 200],
		];
const LARGE_BATCH = QUICK ? 400 : 1000;

/**
 * Batches (a) run the emulator in its own thread: fal is a remote server, and on the node's event loop the
 * emulator would take the CPU the node needs and fire its job timers late. Latency and memory (b-e) run it
 * on the bench's thread, as before: no thread hop inside each request, no second V8 heap in the RSS.
 */
async function withEmulator<T>(options: FalEmulatorOptions, work: (emulator: RemoteEmulator) => Promise<T>, where: 'thread' | 'local' = 'local') {
	const emulator = where === 'thread' ? await startRemoteEmulator(options) : await startLocalEmulator(options);
	const restore = routeFetchToEmulator(emulator.url);
	try {
		return await work(emulator);
	} finally {
		restore();
		await emulator.close();
	}
}

function printTable(rows: BatchRow[]) {
	console.log('\n(a) the node at its defaults, %d ms jobs, against fal accounts of different limits', LATENCY_MS);
	console.log('| account limit | items | ceil(N / limit) x 300 ms | the node, first run | the node | ratio | the fal client alone, told the limit | ratio | the node / the client alone | peak jobs IN_QUEUE | peak IN_PROGRESS | errors |');
	console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
	for (const r of rows) {
		console.log(
			`| ${r.limit} | ${r.items} | ${r.limitSeconds} s | ${r.coldSeconds} s | ${r.seconds} s | ${r.ratio}x | ${r.bareSeconds} s | ${r.bareRatio}x | ${r.overBare}x | ${r.peakQueued} | ${r.peakInProgress} | ${r.errors} |`,
		);
	}
}

async function main() {
	const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick: QUICK };

	// First, in a fresh process: a peak of RSS above a baseline says little once earlier runs left free memory behind.
	if (!BATCHES_ONLY) {
		const dir = mkdtempSync(join(tmpdir(), 'fal-bench-'));
		results.largeBinary = await withEmulator({ latencyMs: 0 }, async (emulator) => {
			await largeBinary(emulator, dir, 1); // loads the engine and the binary data code: not the file's cost
			const big = await largeBinary(emulator, dir, BINARY_MB);
			console.log(
				`\n(c) ${BINARY_MB} MB binary: ${big.uploadedBytes} bytes uploaded in ${big.uploadRequests} request(s) (file ${big.fileBytes}), ` +
					`${big.otherRequestBytes} bytes in all other requests; peak RSS +${big.memory.peakAboveBaselineMb} MB ` +
					`(${round(big.memory.peakAboveBaselineMb / BINARY_MB)}x the file) ${big.error ? `ERROR ${big.error}` : ''}`,
			);
			return big;
		});

	}

	const batch: BatchRow[] = [];
	for (const [limit, count] of ACCOUNTS) {
		batch.push(await withEmulator({ latencyMs: LATENCY_MS, concurrency: limit }, async (emulator) => await accountBatch(emulator, count), 'thread'));
		const r = batch[batch.length - 1];
		console.log(`  limit ${limit}, ${count} items: ${r.seconds} s (${r.ratio}x; first run ${r.coldSeconds} s; the client alone ${r.bareSeconds} s), peak queued ${r.peakQueued}`);
	}
	results.batch = batch;

	results.largeBatch = await withEmulator({ latencyMs: LATENCY_MS, concurrency: 40 }, async (emulator) => {
		const before = heapUsedMb();
		const r = await accountBatch(emulator, LARGE_BATCH, 1);
		// The emulator runs in its own thread: this heap is the node's and the engine's alone.
		const heapAfterRunsMb = round(heapUsedMb() - before, 1);
		console.log(
			`\n(a2) ${LARGE_BATCH} items at limit 40: ${r.seconds} s for ${r.limitSeconds} s (${r.ratio}x; first run ${r.coldSeconds} s; ` +
				`the client alone ${r.bareSeconds} s), peak queued ${r.peakQueued}, ${r.errors} errors; heap after the runs +${heapAfterRunsMb} MB`,
		);
		batch.push(r);
		return { ...r, heapAfterRunsMb };
	}, 'thread');

	if (BATCHES_ONLY) {
		printTable(batch);
		return;
	}

	results.addedTime = await withEmulator({ latencyMs: 0 }, async (emulator) => {
		const node = await addedTimePerRequest(emulator, QUICK ? 15 : 41);
		console.log(`\n(b) time the node adds per request at 0 ms server time: median ${round(node.medianMs)} ms, p90 ${round(node.p90Ms)} ms`);
		await emulator.reset();
		const plain = await plainSubscribeLoop(QUICK ? 5 : 10);
		const plainPerRequest = (plain.seconds * 1000) / (QUICK ? 5 : 10);
		console.log(`    plain subscribe (polling every 500 ms): ${round(plainPerRequest)} ms per request`);
		return { node, plainSubscribeMsPerRequest: round(plainPerRequest) };
	});

	results.heap = await withEmulator({ latencyMs: 0 }, async (emulator) => {
		const points = await heapGrowth(emulator, QUICK ? [100, 400] : [200, 1000]);
		const [small, large] = points;
		const perItemKb = round(((large.heldMb - small.heldMb) * 1024) / (large.items - small.items));
		console.log(
			`\n(d) heap while outputs are held: ${small.items} items +${small.heldMb} MB, ${large.items} items +${large.heldMb} MB ` +
				`(${perItemKb} KB per item, outputs and run data); after release: +${small.retainedAfterReleaseMb} MB and +${large.retainedAfterReleaseMb} MB`,
		);
		return { points, heldKbPerItem: perItemKb };
	});

	results.repeatedRuns = await withEmulator({ latencyMs: 0 }, async (emulator) => {
		const repeated = await repeatedRuns(emulator, QUICK ? 400 : 1000, 4);
		console.log(`\n(d2) ${repeated.items} items run 4 times in one process: heap above the start after each run ${repeated.heapAboveStartMb.map((mb) => `+${mb} MB`).join(', ')}`);
		return repeated;
	});

	results.cancellation = await withEmulator({}, async (emulator) => {
		const stopped = await cancellation(emulator, 20, 1000);
		console.log(
			`\n(e) stop after 1 s with ${stopped.items} items in flight: run ${stopped.status} ${stopped.msFromStopToEnd} ms after the stop, ` +
				`${stopped.jobsCancelled} of ${stopped.jobs} fal jobs cancelled`,
		);
		return stopped;
	});

	printTable(batch);
	mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
	const out = join(__dirname, '..', '..', 'bench', 'results', QUICK ? 'quick.json' : 'latest.json');
	writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
	console.log(`\nwrote ${out}`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
