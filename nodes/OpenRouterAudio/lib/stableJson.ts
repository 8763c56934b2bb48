/**
 * JSON with the keys of every object sorted (fields set to undefined left out, as JSON.stringify does), so two
 * equal values give the same text whatever order their keys were written in: fal's echo of an input compares
 * equal to what was sent, and a fingerprint does not change with the order of fields.
 */
export function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, field]) => field !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${stableJson(field)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
