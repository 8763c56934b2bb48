import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

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
	rule: { min?: number; max?: number; integer?: boolean; decimals?: number; hint: string },
): number {
	const number = toNumber(value);
	if (!Number.isFinite(number)) {
		failItem(ctx, itemIndex, `The "${field}" option is ${shown(value)}, which is not a number`, rule.hint);
	}
	const ok =
		(rule.min === undefined || number >= rule.min) &&
		(rule.max === undefined || number <= rule.max) &&
		(!rule.integer || Number.isInteger(number)) &&
		(rule.decimals === undefined || Number(number.toFixed(rule.decimals)) === number);
	if (!ok) failItem(ctx, itemIndex, `The "${field}" option is ${shown(value)}, which is not allowed`, rule.hint);
	return number;
}

/** A number field of the node: its `typeOptions` are what the UI lets a user enter, and what the run accepts. */
export type NumberField = INodeProperties & { type: 'number'; default: number };

/** How a number field's hint speaks of its values: its unit, and the meaning of its bounds (0 = "no limit"). */
export interface NumberWords {
	unit?: string;
	meaning?: Record<number, string>;
	/** A sentence after the bounds, e.g. what leaving the option out does. */
	also?: string;
}

/** A field's bounds as its typeOptions give them: minValue, maxValue, numberPrecision (0 = whole numbers). */
export function numberBounds(field: NumberField): { min?: number; max?: number; decimals?: number } {
	const { minValue: min, maxValue: max, numberPrecision: decimals } = field.typeOptions ?? {};
	return { min, max, decimals };
}

/** "Use a whole number of seconds from 0 (no limit) to 604800 (7 days).", from the field's bounds. */
export function boundsHint(field: NumberField, words: NumberWords = {}): string {
	const { min, max, decimals } = numberBounds(field);
	const said = (n: number) => (words.meaning?.[n] ? `${n} (${words.meaning[n]})` : String(n));
	const kind = `${decimals === 0 ? 'a whole number' : 'a number'}${words.unit ? ` of ${words.unit}` : ''}`;
	const range =
		min !== undefined && max !== undefined
			? ` from ${said(min)} to ${said(max)}`
			: min !== undefined
				? `, at least ${said(min)}`
				: max !== undefined
					? `, at most ${said(max)}`
					: '';
	const places = decimals ? `, with at most ${decimals} decimal${decimals === 1 ? '' : 's'}` : '';
	return `Use ${kind}${range}${places}.${words.also ? ` ${words.also}` : ''}`;
}

/**
 * A number field's value for one item (its default when unset), checked against the bounds the field shows
 * (its typeOptions), so the UI and the run can never disagree. A rule stricter than typeOptions can say stays
 * with its field, after this check.
 */
export function readNumberField(ctx: IExecuteFunctions, itemIndex: number, field: NumberField, value: unknown, words?: NumberWords): number {
	const { min, max, decimals } = numberBounds(field);
	return numberOption(ctx, itemIndex, value ?? field.default, field.displayName, {
		min,
		max,
		integer: decimals === 0,
		decimals,
		hint: boundsHint(field, words),
	});
}
