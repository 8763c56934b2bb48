import type { IExecuteFunctions } from 'n8n-workflow';

import { failItem } from '../errors/itemError';

// Expressions may yield numbers as strings ("0.7"); anything else that is not a finite number is rejected.
function toNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && value.trim() !== '') return Number(value);
	return NaN;
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
	const ok =
		Number.isFinite(number) &&
		number >= rule.min &&
		(rule.max === undefined || number <= rule.max) &&
		(!rule.integer || Number.isInteger(number));
	if (!ok) failItem(ctx, itemIndex, `The "${field}" option is ${JSON.stringify(value)}, which is not allowed`, rule.hint);
	return number;
}
