// One delivery from fal, from the HTTP request to the execution it starts (or does not):
//  1. fal's signature (signature.ts, keys.ts): the four headers, the timestamp within 5 minutes, an Ed25519
//     signature by one of fal's published keys over the request ID, user ID, timestamp and the raw body's hash;
//  2. the reference Submit Job signed into the URL (reference.ts): the job was submitted with this credential,
//     and its reference, model and max_tokens are as Submit Job wrote them;
//  3. once per job (memory.ts): a delivery for a request ID already accepted answers 200 and starts nothing.
// A delivery that fails 1 or 2 gets 401 and starts nothing; the reason goes to n8n's log, never to the caller.
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_OUTPUT_BINARY_FIELD,
	isFileFormat,
	readInvalidJson,
	readOutputBinaryField,
	readOutputChoice,
	readOutputFormat,
	readPutOutputInFile,
} from '../fields/output';
import { fileFormatProblem } from '../transcript/outputFile';
import { readApiKey } from '../transport/client';
import { keyRedactor } from '../transport/session';
import { verifiedByFal } from './keys';
import { deliveryItem, readDelivery, type TriggerSettings } from './item';
import { DeliveryMemory } from './memory';
import { readTicket, type Ticket } from './reference';
import { checkTimestamp, FAL_JWKS_URLS, readSignatureHeaders, Refused, signedMessage } from './signature';

/** The trigger's Output options; a setting that cannot work gives an error item rather than a lost answer. */
function readSettings(ctx: IWebhookFunctions): TriggerSettings & { problem?: string } {
	// Unlike Analyze, which fails an item before paying, the trigger reads what cannot be used as the default:
	// the answer is paid for and must arrive.
	const output = readOutputChoice((name, fallback) => ctx.getNodeParameter(name, fallback)) === 'segments' ? 'segments' : 'text';
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const settings: TriggerSettings & { problem?: string } = {
		output,
		format: readOutputFormat(options, output),
		invalidJson: readInvalidJson(options),
	};
	const format = readPutOutputInFile(options);
	if (isFileFormat(format)) {
		const problem = fileFormatProblem(format, output);
		if (problem) settings.problem = `${problem.message} ("Put Output in File" option). ${problem.description}`;
		else settings.file = { format, binaryPropertyName: readOutputBinaryField(options) || DEFAULT_OUTPUT_BINARY_FIELD };
	}
	return settings;
}

export async function receiveDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const answer = (status: number, text: string): IWebhookResponseData => {
		res.status(status).send(text).end();
		return { noWebhookResponse: true };
	};
	const refuse = (reason: string): IWebhookResponseData => {
		this.logger.warn(`OpenRouter Audio Trigger "${node.name}" refused a delivery (401): ${reason}`, { workflowId: this.getWorkflow().id });
		return answer(401, 'Unauthorized');
	};

	let headers;
	try {
		headers = readSignatureHeaders((name) => req.headers[name]);
		checkTimestamp(headers.timestamp, Date.now());
	} catch (error) {
		if (error instanceof Refused) return refuse(error.message);
		throw new NodeOperationError(node, error as Error);
	}
	if (!Buffer.isBuffer(req.rawBody)) return refuse('the request has no body');
	const rawBody = req.rawBody;
	const byFal = await verifiedByFal(signedMessage(headers, rawBody), headers.signature, {
		url: FAL_JWKS_URLS,
		fetchJson: async (url) => await this.helpers.httpRequest({ method: 'GET', url, json: true, timeout: 10_000 }),
	});
	if (typeof byFal === 'object') {
		// Not the caller's fault: fal retries a delivery that gets no 2xx, and the key set may be back by then.
		this.logger.error(`OpenRouter Audio Trigger "${node.name}" could not check a delivery (503): ${byFal.unavailable}`, { workflowId: this.getWorkflow().id });
		return answer(503, 'Service Unavailable');
	}
	if (!byFal) return refuse("its signature was made by none of fal's published webhook keys (a forged or altered delivery)");
	const apiKey = await readApiKey(this);
	const ticket: Ticket | string = readTicket(this.getQueryData() as Record<string, unknown>, apiKey);
	if (typeof ticket === 'string') return refuse(ticket);

	const delivery = readDelivery(rawBody, keyRedactor(apiKey));
	if (typeof delivery === 'string') {
		// Signed by fal, yet not a delivery fal documents: fal will send it again, and the log says why.
		this.logger.error(`OpenRouter Audio Trigger "${node.name}" could not read a delivery fal signed (400): ${delivery}`, { workflowId: this.getWorkflow().id });
		return answer(400, 'Bad Request');
	}
	const memory = new DeliveryMemory(this.getWorkflowStaticData('node'), `${this.getWorkflow().id}\n${node.id}`);
	if (memory.has(delivery.request_id)) {
		this.logger.info(`OpenRouter Audio Trigger "${node.name}" got job ${delivery.request_id} again; it started its execution already`, { workflowId: this.getWorkflow().id });
		return { webhookResponse: 'OK' };
	}
	memory.remember(delivery.request_id);

	const { problem, ...settings } = readSettings(this);
	const item = await deliveryItem(this, delivery, ticket, settings);
	// An output file the settings cannot make: the answer still arrives, with the reason beside it.
	if (problem && item.json.error === undefined) item.json = { error: problem, ...item.json };
	return { workflowData: [[item]] };
}
