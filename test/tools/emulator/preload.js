// @ts-check
'use strict';
/**
 * `node --require test/tools/emulator/preload.js` (e.g. for a real n8n process): when
 * FAL_EMULATOR_URL is set, all fal traffic in the process goes to the emulator:
 * - `fetch` (the fal client in the node), see route.js. Loaded before any module, so it runs
 *   before any fal client captures `fetch`;
 * - `https.request` / `https.get` (n8n's own HTTP client, e.g. the credential's Test button),
 *   see route-https.js.
 * When OPENROUTER_MODELS_URL is set, `https.request` calls to openrouter.ai (the model picker's live
 * list) go to the OpenRouter model-list stand-in there, see openrouter.js.
 */
const { routeFetchToEmulator } = require('./route');
const { routeHttpsToEmulator } = require('./route-https');
const { routeHttpsToOpenRouter } = require('./openrouter');

if (process.env.FAL_EMULATOR_URL) {
	routeFetchToEmulator(process.env.FAL_EMULATOR_URL);
	routeHttpsToEmulator(process.env.FAL_EMULATOR_URL);
}
if (process.env.OPENROUTER_MODELS_URL) routeHttpsToOpenRouter(process.env.OPENROUTER_MODELS_URL);
