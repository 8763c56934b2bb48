// @ts-check
'use strict';
/**
 * The fal emulator's one entry, for the tests, the bench and the scripts (README.md beside this file).
 */
const { startFalEmulator, ENDPOINT_ID } = require('./server');
const { routeFetchToEmulator } = require('./route');
const { routeHttpsToEmulator } = require('./route-https');
const { startOpenRouterModels, routeHttpsToOpenRouter, OPENROUTER_MODELS } = require('./openrouter');
const { defaultAnswer, JSON_MARKER } = require('./validate');
const { SEGMENTS_MARKER, badSegmentsAnswer, BAD_SEGMENTS_OUTPUTS } = require('./segments');

/**
 * @typedef {import('./server').FalEmulator} FalEmulator
 * @typedef {import('./server').FalEmulatorOptions} FalEmulatorOptions
 * @typedef {import('./server').FalEmulatorStats} FalEmulatorStats
 * @typedef {import('./http').RecordedRequest} RecordedRequest
 */

/** The module a process loads with `node --require` to send fal's hosts to the emulator at FAL_EMULATOR_URL. */
const PRELOAD = require.resolve('./preload');

module.exports = {
	startFalEmulator,
	ENDPOINT_ID,
	routeFetchToEmulator,
	routeHttpsToEmulator,
	startOpenRouterModels,
	routeHttpsToOpenRouter,
	OPENROUTER_MODELS,
	defaultAnswer,
	JSON_MARKER,
	SEGMENTS_MARKER,
	badSegmentsAnswer,
	BAD_SEGMENTS_OUTPUTS,
	PRELOAD,
};
