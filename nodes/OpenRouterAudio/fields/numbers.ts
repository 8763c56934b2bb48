import type { IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';

// Expressions may yield numbers as text ("0.7"). Only plain decimal notation counts: Number() would also
// read "0x1", "1e3", "Infinity" and " " (as 0), none of which a user means as a setting.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
	return NaN;
}

/** The value as the message shows it: numbers as written (NaN, Infinity), text quoted. */
function shown(value: unknown): string {
	if (typeof value === 'number') return String(value);
	if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
	return (JSON.stringify(value) ?? String(value)).slice(0, 100);
}

/** A numeric option checked against its range; a value out of range fails the item with `hint`. */
export function numberOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
	rule: { min: number; max?: number; integer?: boolean; hint: string },
): number {
	const number = toNumber(value);
	if (!Number.isFinite(number)) {
		failItem(ctx, itemIndex, `The "${field}" option is ${shown(value)}, which is not a number`, rule.hint);
	}
	const ok =
		number >= rule.min &&
		(rule.max === undefined || number <= rule.max) &&
		(!rule.integer || Number.isInteger(number));
	if (!ok) failItem(ctx, itemIndex, `The "${field}" option is ${shown(value)}, which is not allowed`, rule.hint);
	return number;
}
