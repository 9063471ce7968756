// Booleans and integers as old files wrote them: JSON values, or the same values in strings,
// because the original router read every option as a string.

/** Exactly the spellings Go's strconv.ParseBool accepts; OVF properties render "True"/"False". */
export const trueSpellings = ['true', 'True', 'TRUE', 't', 'T', '1'];
export const falseSpellings = ['false', 'False', 'FALSE', 'f', 'F', '0'];

/** A non-negative decimal integer in a string: "100". */
export const integerPattern = '^[0-9]+$';

export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (trueSpellings.includes(value)) return true;
  if (falseSpellings.includes(value)) return false;
  return undefined;
}

export function parseInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !new RegExp(integerPattern).test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}
