// @ts-check
'use strict';
/**
 * `node --require test/emulator/preload.js` (e.g. for a real n8n process): when
 * FAL_EMULATOR_URL is set, all fal fetch traffic in the process goes to the emulator.
 * Loaded before any module, so it runs before any fal client captures `fetch`.
 * Note: only `fetch` is routed; requests made through axios / node:https are not.
 */
const { routeFetchToEmulator } = require('./route');

if (process.env.FAL_EMULATOR_URL) {
	routeFetchToEmulator(process.env.FAL_EMULATOR_URL);
}
