// @ts-check
'use strict';
/**
 * A fal.ai emulator for `openrouter/router/audio`, speaking fal's HTTP protocol the way
 * `@fal-ai/client` 1.10.1 does: queue (submit/status/SSE status/result/cancel), sync run,
 * CDN storage uploads, the platform pricing and request-history APIs and webhooks, with fault
 * injection (faults.js) and records to assert on (records.js). Each rule follows fal's docs, cited
 * where it is kept: the queue, start timeout, cancel and retention in queue.js, the submit headers
 * in submit-headers.js, the history in history.js, the locked account here. Use with route.js; see
 * README.md.
 */
const http = require('node:http');
const { createQueue } = require('./queue');
const { createWebhooks } = require('./webhook');
const { createHeldResponses } = require('./held');
const { sendPricing, createJobPricing, ENDPOINT_ID } = require('./pricing');
const { createStorage } = require('./storage');
const { createFaults, answersItself } = require('./faults');
const { sendFault, loseAnswer } = require('./fault-reply');
const { createQueueRoutes } = require('./queue-routes');
const { createRecords } = require('./records');
const { listRequests } = require('./history');
const { validateInput, defaultAnswer } = require('./validate');
const { parseSubmitHeaders } = require('./submit-headers');
const {
	classify, readJsonBody, hashBody, sendJson, lowerCaseHeaders, isAuthorized, PUBLIC_ROUTES, BYTE_ROUTES,
} = require('./http');

/** fal keeps a result 1 h, 6 min when it is 10 KB or larger (fal.ai/docs/inference-api/queue/result). */
const DEFAULT_RETENTION = { ms: 3_600_000, largeMs: 360_000, largeBytes: 10_240 };

/**
 * fal's answer to a locked user (balance exhausted, or locked by an admin): new work and new uploads
 * are refused with 403; what exists (status, stream, result, cancel, history) still answers.
 */
const LOCKED_ROUTES = new Set(['submit', 'run', 'initiate', 'initiate-multipart']);
const EXHAUSTED_BALANCE = 'Exhausted balance. Top up your balance at fal.ai/dashboard/billing.';

/** The client builds request URLs from owner/alias only, so both forms name this app. */
const APP_IDS = new Set(['openrouter/router', ENDPOINT_ID]);

/**
 * @typedef {import('./http').RecordedRequest} RecordedRequest
 * @typedef {import('./queue').Job} Job
 * @typedef {import('./queue').RespondWith} RespondWith
 * @typedef {import('./faults').FaultRule} FaultRule
 * @typedef {import('./faults').ActiveFault} ActiveFault
 * @typedef {import('./queue').CancelRequest} CancelRequest
 * @typedef {import('./queue').CancelBehaviour} CancelBehaviour
 * @typedef {import('./queue').Retention} Retention
 * @typedef {import('./faults').StreamCut} StreamCut
 * @typedef {import('./storage').Upload} Upload
 * @typedef {import('./history').InputForm} InputForm
 * @typedef {{
 *   latencyMs?: number, concurrency?: number, apiKeys?: string[], seed?: number,
 *   respondWith?: RespondWith, jobLatency?: (input: any, index: number) => number,
 *   itemKey?: (input: any) => string | undefined, historyLagMs?: number, historyInput?: InputForm,
 *   onCancel?: CancelBehaviour, retention?: Partial<Retention>, adminKeys?: string[],
 *   jobCost?: import('./pricing').JobCost, webhookRetryDelaysMs?: number[],
 * }} FalEmulatorOptions
 *   itemKey: sets each Job's `key` at submit (e.g. from the prompt); historyLagMs: how late the
 *   request history shows a start and an end (history.js, default 0); historyInput: the form of its
 *   json_input (history.js, default 'as-sent'); onCancel: how the app answers a
 *   cancel while running, 'stop' (default: it ends with 499) or 'ignore' (it runs on), see queue.js;
 *   retention: how long results are kept, over DEFAULT_RETENTION; adminKeys: admin API keys (default
 *   ['admin-key']), valid wherever a key is and the only ones that may delete a request's payloads;
 *   jobCost: what each job costs (pricing.js); webhookRetryDelaysMs: the waits before each retry of a failed
 *   webhook delivery (webhook.js, default about 2 hours in 10 retries).
 * @typedef {{
 *   peakInProgress: number, inProgress: number, queued: number, peakQueued: number, concurrency: number,
 *   requests: number, routes: Record<string, number>, streamEvents: number, connections: number,
 * }} FalEmulatorStats
 * @typedef {import('./webhook').WebhookDelivery} WebhookDelivery
 * @typedef {{
 *   url: string,
 *   requests: RecordedRequest[],
 *   jobs: Map<string, Job>,
 *   uploads: Map<string, Upload>,
 *   uploadLifetimes: Map<string, import('./storage').Lifetime>,
 *   advanceCdnClock: (ms: number) => void,
 *   webhooks: WebhookDelivery[],
 *   signWebhook: (rawBody: string | Buffer, o: import('./webhook').SignOptions) => Record<string, string>,
 *   setWebhookRetryDelays: (delays: number[]) => void,
 *   fault: (rule: FaultRule) => ActiveFault,
 *   setLatency: (ms: number) => void,
 *   respondWith: (fn: RespondWith | undefined) => void,
 *   stats: () => FalEmulatorStats,
 *   setConcurrency: (n: number) => void,
 *   setCancelBehaviour: (b: CancelBehaviour) => void,
 *   setRetention: (r: Partial<Retention>) => void,
 *   setHistoryLag: (ms: number) => void,
 *   setJobCost: (fn: import('./pricing').JobCost | undefined) => void,
 *   setHistoryInput: (form: InputForm) => void,
 *   lockAccount: (reason?: string) => void,
 *   unlockAccount: () => void,
 *   leftRunning: () => Job[],
 *   undelivered: () => Job[],
 *   billed: () => Job[],
 *   billedCost: () => number,
 *   startedAfterDeadline: () => Job[],
 *   jobsBy: <K>(keyFn: (job: Job) => K) => Map<K, Job[]>,
 *   jobsPerItem: () => Record<string, number>,
 *   requestsTo: (route: string) => RecordedRequest[],
 *   cancelRequests: CancelRequest[],
 *   reset: () => void,
 *   close: () => Promise<void>,
 * }} FalEmulator
 */

/**
 * @param {FalEmulatorOptions} [options]
 * @returns {Promise<FalEmulator>}
 */
async function startFalEmulator(options = {}) {
	let latencyMs = options.latencyMs ?? 0;
	let respondWith = options.respondWith;
	let cancelBehaviour = options.onCancel ?? 'stop';
	let retention = { ...DEFAULT_RETENTION, ...options.retention };
	let historyLagMs = options.historyLagMs ?? 0;
	let historyInput = options.historyInput ?? 'as-sent';
	/** @type {string | null} why the account is locked; null while it is not */
	let lockReason = null;
	const adminKeys = options.adminKeys ?? ['admin-key'];
	const apiKeys = [...(options.apiKeys ?? ['test-key']), ...adminKeys];
	/** @type {RecordedRequest[]} */
	const requests = [];
	/** @type {Record<string, number>} */
	let routeCounts = {};
	/** @type {Set<NodeJS.Timeout>} */
	const delays = new Set();
	const webhooks = createWebhooks({ retryDelaysMs: options.webhookRetryDelaysMs });
	let closed = false;

	const storage = createStorage();
	const faults = createFaults(options.seed ?? 1);
	const pricing = createJobPricing(options.jobCost);
	const queue = createQueue({
		concurrency: options.concurrency ?? Infinity,
		latencyFor: (input, index) => (options.jobLatency ? options.jobLatency(input, index) : latencyMs),
		validate: (input, parseError) =>
			parseError
				? [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]
				: validateInput(input, storage.has),
		answer: async (input, job) => {
			const a = respondWith ? await respondWith(input, job) : pricing.priced(job, defaultAnswer(input));
			return 'error' in a ? { status: a.error.status, body: a.error.body } : { status: 200, body: a };
		},
		onFinish: (job) => {
			// A job that ran is charged, whatever its answer (records.js billed() says which charges count).
			if (job.startedAt !== null) job.cost = pricing.charge(job);
			webhooks.deliver(job);
		},
		cancelBehaviour: (job) => (typeof cancelBehaviour === 'function' ? cancelBehaviour(job.input, job) : cancelBehaviour),
		retention: () => retention,
		keyOf: options.itemKey,
	});
	const held = createHeldResponses(queue);
	/** @type {CancelRequest[]} */
	const cancelRequests = [];
	const queueRoutes = createQueueRoutes(queue, held, cancelRequests);
	const records = createRecords(queue.jobs, cancelRequests);

	/** @param {number} ms */
	function sleep(ms) {
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				delays.delete(t);
				resolve(undefined);
			}, ms);
			delays.add(t);
		});
	}

	/**
	 * @param {import('node:http').IncomingMessage} req
	 * @param {import('node:http').ServerResponse} res
	 */
	async function handle(req, res) {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const [, host = '', ...rest] = url.pathname.split('/');
		const path = `/${rest.join('/')}`;
		const method = (req.method ?? 'GET').toUpperCase();
		const info = classify(method, host, path);
		const headers = lowerCaseHeaders(req);
		/** @type {RecordedRequest} */
		const record = { route: info.route, method, host, path, query: Object.fromEntries(url.searchParams), headers, body: undefined, bytes: 0, at: Date.now(), answeredAt: null, answerStatus: null };
		requests.push(record);
		res.once('finish', () => {
			record.answeredAt = Date.now();
			record.answerStatus = res.statusCode;
		});
		routeCounts[info.route] = (routeCounts[info.route] ?? 0) + 1;

		// A gateway answering before the body is read (nothing reached the app).
		const early = faults.take(record, true);
		if (early) {
			if (early.delayMs) await sleep(early.delayMs);
			if (closed) return;
			if (early.drop) return void req.socket.destroy();
			return sendFault(res, early, record);
		}

		// Bytes of uploads are hashed while streaming; everything else is JSON.
		let body, parseError = false, hash;
		if (BYTE_ROUTES.has(info.route)) {
			({ bytes: record.bytes, hash } = await hashBody(req, storage.hasherFor(info.token ?? '', info.part)));
		} else {
			({ bytes: record.bytes, body, parseError } = await readJsonBody(req));
			record.body = body;
		}
		const bytes = record.bytes;

		const fault = faults.take(record);
		/** @type {StreamCut | undefined} */
		let cut;
		if (fault) {
			if (fault.delayMs) await sleep(fault.delayMs);
			if (closed) return;
			if (fault.drop) return void req.socket.destroy();
			if (answersItself(fault)) return sendFault(res, fault, record);
			if (fault.after) loseAnswer(res, fault, record);
			cut = fault.cut;
		}

		if (info.route === 'unknown') return sendJson(res, 404, { detail: 'Not Found' });
		if (!PUBLIC_ROUTES.has(info.route) && !isAuthorized(headers, apiKeys)) {
			return sendJson(res, 401, { detail: 'Unauthorized: invalid or missing key' });
		}
		if (info.app !== undefined && !APP_IDS.has(info.app)) {
			return sendJson(res, 404, { detail: `Application '${info.app}' not found` });
		}
		if (lockReason !== null && LOCKED_ROUTES.has(info.route)) {
			return sendJson(res, 403, { detail: `User is locked. Reason: ${lockReason}` });
		}

		switch (info.route) {
			case 'submit':
			case 'run': {
				const submitted = parseSubmitHeaders(headers);
				if ('error' in submitted) return sendJson(res, 400, { detail: submitted.error });
				if (info.route === 'run') return held.syncRun(res, queue.submit(body, { ...submitted, sync: true, parseError }));
				const job = queue.submit(body, { ...submitted, webhookUrl: url.searchParams.get('fal_webhook'), parseError });
				const s = queue.statusOf(job, false);
				return sendJson(
					res,
					200,
					{
						request_id: job.requestId,
						response_url: s.response_url,
						status_url: s.status_url,
						cancel_url: s.cancel_url,
						queue_position: s.queue_position ?? 0,
					},
					{ 'x-fal-request-id': job.requestId },
				);
			}
			case 'status':
			case 'stream':
			case 'result':
			case 'cancel':
				return queueRoutes.serve(res, info.route, info.requestId ?? '', { withLogs: url.searchParams.get('logs') === '1', cut });
			case 'initiate':
			case 'initiate-multipart': {
				const r = storage.initiate(body, info.route === 'initiate-multipart', headers['x-fal-object-lifecycle']);
				return sendJson(res, r.status, r.body);
			}
			case 'upload': {
				const r = storage.put(info.token ?? '', bytes, /** @type {any} */ (hash), headers['content-type']);
				return sendJson(res, r.status, r.body);
			}
			case 'upload-part': {
				const r = storage.putPart(info.token ?? '', info.part ?? 0, bytes, /** @type {any} */ (hash));
				return sendJson(res, r.status, r.body);
			}
			case 'upload-complete': {
				const r = storage.complete(info.token ?? '');
				return sendJson(res, r.status, r.body);
			}
			case 'file':
				return serveFile(res, `https://${host}${path}`);
			case 'pricing':
				return sendPricing(res, url.searchParams.getAll('endpoint_id'));
			case 'delete-payloads':
				return deletePayloads(res, headers, info.requestId ?? '');
			case 'jwks':
				return sendJson(res, 200, webhooks.jwks());
			case 'history': {
				const r = listRequests(url.searchParams, queue.jobs.values(), { lagMs: historyLagMs, inputForm: historyInput });
				return sendJson(res, r.status, r.body);
			}
		}
		return sendJson(res, 404, { detail: 'Not Found' });
	}

	/**
	 * DELETE api.fal.ai/v1/models/requests/{id}/payloads (fal.ai/docs/platform-apis/v1/models/requests/payloads):
	 * with an admin key, the request's payloads (and its output's CDN files: this app makes none) are deleted;
	 * its input files are not. 200 { cdn_delete_results }. Silent in the docs, the emulator's choices: another
	 * key is a 403, an unknown request a 404; an `Idempotency-Key` header is accepted and not needed.
	 * @param {import('node:http').ServerResponse} res
	 * @param {Record<string, string>} headers
	 * @param {string} requestId
	 */
	function deletePayloads(res, headers, requestId) {
		const key = /^Key\s+(.+)$/.exec(headers.authorization ?? '')?.[1].trim() ?? '';
		if (!adminKeys.includes(key)) return sendJson(res, 403, { detail: 'Deleting request payloads needs an admin API key' });
		const job = queue.jobs.get(requestId);
		if (!job) return sendJson(res, 404, { detail: 'Request not found' });
		job.payloadsDeletedAt ??= Date.now();
		return sendJson(res, 200, { cdn_delete_results: [] });
	}

	/**
	 * The CDN does not keep bytes: a known file answers 200 with its metadata headers only.
	 * @param {import('node:http').ServerResponse} res
	 * @param {string} fileUrl
	 */
	function serveFile(res, fileUrl) {
		const u = storage.live(fileUrl);
		if (!u) return sendJson(res, 404, { detail: 'File not found' });
		res.writeHead(200, {
			'content-type': u.contentType,
			'content-length': '0',
			'x-emulator-size': String(u.size),
			'x-emulator-sha256': u.sha256 ?? '',
		});
		res.end();
	}

	const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
		handle(req, res).catch((e) => {
			if (!res.headersSent && !res.destroyed) sendJson(res, 500, { detail: `Emulator error: ${e && e.message}` });
			else res.destroy();
		});
	});
	// TCP connections clients opened: with keep-alive, far fewer than requests.
	let connections = 0;
	server.on('connection', () => connections++);
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());

	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		jobs: queue.jobs,
		uploads: storage.uploads,
		uploadLifetimes: storage.lifetimes,
		advanceCdnClock: (ms) => storage.advanceClock(ms),
		webhooks: webhooks.deliveries,
		signWebhook: webhooks.signDelivery,
		setWebhookRetryDelays: webhooks.setRetryDelays,
		fault: (rule) => faults.add(rule),
		setLatency: (ms) => {
			latencyMs = ms;
		},
		respondWith: (fn) => {
			respondWith = fn;
		},
		stats: () => ({ ...queue.stats(), requests: requests.length, routes: { ...routeCounts }, streamEvents: held.eventsSent(), connections }),
		setConcurrency: (n) => queue.setConcurrency(n),
		setCancelBehaviour: (b) => {
			cancelBehaviour = b;
		},
		setRetention: (r) => {
			retention = { ...retention, ...r };
		},
		setHistoryLag: (ms) => {
			historyLagMs = ms;
		},
		setJobCost: (fn) => pricing.set(fn),
		setHistoryInput: (form) => {
			historyInput = form;
		},
		lockAccount: (reason = EXHAUSTED_BALANCE) => {
			lockReason = reason;
		},
		unlockAccount: () => {
			lockReason = null;
		},
		leftRunning: records.leftRunning,
		undelivered: records.undelivered,
		billed: records.billed,
		billedCost: records.billedCost,
		startedAfterDeadline: records.startedAfterDeadline,
		jobsBy: records.jobsBy,
		jobsPerItem: records.jobsPerItem,
		requestsTo: (route) => requests.filter((request) => request.route === route),
		cancelRequests,
		reset() {
			// Responses waiting on jobs that are about to vanish would hang forever.
			held.destroyAll();
			webhooks.abort();
			requests.length = 0;
			routeCounts = {};
			// The app's cancel behaviour, the retention, the history's lag and input form and the job cost return to
			// the start options
			// and the account is unlocked; latency and concurrency stay as set.
			cancelBehaviour = options.onCancel ?? 'stop';
			retention = { ...DEFAULT_RETENTION, ...options.retention };
			historyLagMs = options.historyLagMs ?? 0;
			pricing.set(options.jobCost);
			historyInput = options.historyInput ?? 'as-sent';
			lockReason = null;
			connections = 0;
			cancelRequests.length = 0;
			queue.clear();
			storage.reset();
			faults.reset();
		},
		async close() {
			closed = true;
			queue.clear();
			for (const t of delays) clearTimeout(t);
			delays.clear();
			webhooks.abort();
			const done = new Promise((resolve) => server.close(() => resolve(undefined)));
			// Open SSE streams and idle keep-alive sockets would keep jest alive.
			server.closeAllConnections();
			await done;
		},
	};
}

module.exports = { startFalEmulator, ENDPOINT_ID };
