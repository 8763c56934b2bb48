// `npm run bench`: speed and memory of the node against the fal emulator on 127.0.0.1. Prints a table and
// writes bench/results/latest.json. Every number comes from a real run of the node in n8n-core's engine.
import '../test/harness/env';

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { routeFetchToEmulator } from '../test/emulator/route';
import { startFalEmulator, type FalEmulatorOptions } from '../test/emulator/server';
import {
	addedTimePerRequest,
	cancellation,
	heapGrowth,
	largeBinary,
	nodeBatch,
	plainSubscribeLoop,
	round,
	row,
	type BatchRow,
} from './scenarios';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const ITEMS = QUICK ? 40 : 200;
const LATENCY_MS = 300;
const CAP = 10;
const BINARY_MB = QUICK ? 10 : 50;

async function withEmulator<T>(options: FalEmulatorOptions, work: (emulator: Awaited<ReturnType<typeof startFalEmulator>>) => Promise<T>) {
	const emulator = await startFalEmulator(options);
	const restore = routeFetchToEmulator(emulator.url);
	try {
		return await work(emulator);
	} finally {
		restore();
		await emulator.close();
	}
}

function printTable(rows: BatchRow[]) {
	console.log('\n(a) %d items, %d ms server time, server cap %d concurrent jobs', ITEMS, LATENCY_MS, CAP);
	console.log('| runner | seconds | limit ceil(N/min(cap, concurrency)) x latency | ratio | errors |');
	console.log('| --- | ---: | ---: | ---: | ---: |');
	for (const r of rows) console.log(`| ${r.runner} | ${r.seconds} | ${r.limitSeconds} | ${r.ratio}x | ${r.errors} |`);
}

async function main() {
	const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick: QUICK };

	const batch = await withEmulator({ latencyMs: LATENCY_MS, concurrency: CAP }, async (emulator) => {
		const rows: BatchRow[] = [];
		const run = async (label: string, concurrency: number | undefined, parallel: number) => {
			emulator.reset();
			const { seconds, errors } = await nodeBatch(ITEMS, concurrency);
			rows.push(row(label, ITEMS, seconds, errors, parallel, LATENCY_MS));
			console.log(`  ${label}: ${round(seconds)} s (peak jobs at fal: ${emulator.stats().peakInProgress})`);
		};
		await run('node, defaults (concurrency 5)', undefined, Math.min(5, CAP));
		await run(`node, concurrency ${CAP} (= server cap)`, CAP, CAP);
		await run('node, concurrency 20 (over the cap)', 20, CAP);
		await run('node, concurrency 1', 1, 1);
		emulator.reset();
		const plain = await plainSubscribeLoop(ITEMS);
		rows.push(row('plain @fal-ai/client subscribe loop', ITEMS, plain.seconds, plain.errors, 1, LATENCY_MS));
		console.log(`  plain subscribe loop: ${round(plain.seconds)} s`);
		return rows;
	});
	results.batch = batch;

	results.addedTime = await withEmulator({ latencyMs: 0 }, async (emulator) => {
		const node = await addedTimePerRequest(emulator, QUICK ? 15 : 41);
		console.log(`\n(b) time the node adds per request at 0 ms server time: median ${round(node.medianMs)} ms, p90 ${round(node.p90Ms)} ms`);
		emulator.reset();
		const plain = await plainSubscribeLoop(QUICK ? 5 : 10);
		const plainPerRequest = (plain.seconds * 1000) / (QUICK ? 5 : 10);
		console.log(`    plain subscribe (polling every 500 ms): ${round(plainPerRequest)} ms per request`);
		return { node, plainSubscribeMsPerRequest: round(plainPerRequest) };
	});

	const dir = mkdtempSync(join(tmpdir(), 'fal-bench-'));
	results.largeBinary = await withEmulator({ latencyMs: 0 }, async (emulator) => {
		const big = await largeBinary(emulator, dir, BINARY_MB);
		console.log(
			`\n(c) ${BINARY_MB} MB binary: ${big.uploadedBytes} bytes uploaded in ${big.uploadRequests} request(s) (file ${big.fileBytes}), ` +
				`${big.otherRequestBytes} bytes in all other requests; peak RSS +${big.memory.peakAboveBaselineMb} MB ` +
				`(${round(big.memory.peakAboveBaselineMb / BINARY_MB)}x the file) ${big.error ? `ERROR ${big.error}` : ''}`,
		);
		return big;
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
