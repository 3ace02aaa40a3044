/**
 * The one place identifiers and hex values are normalised: app ids, compose hashes, device ids,
 * keys and ciphertexts all end up as bare lower-case hex (no `0x`) here, so every path compares
 * the same form. Pure string functions: no validation beyond what each one names, no I/O.
 */

/** Removes one leading `0x`/`0X`. */
export function strip0x(hex: string): string {
  return hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
}

/** Trimmed, without one leading `0x`/`0X`, lower-cased. Does not check that the rest is hex. */
export function bareHex(value: string): string {
  return strip0x(value.trim()).toLowerCase();
}

const HEX_DIGITS = /^(?:0x)?([0-9a-fA-F]+)$/;

/**
 * The lower-case digits of a hex value given with or without a lower-case `0x` (surrounding
 * whitespace ignored), or `undefined` when it is not hex or, with `bytes`, not exactly that long.
 */
export function hexDigits(value: string, bytes?: number): string | undefined {
  const digits = HEX_DIGITS.exec(value.trim())?.[1];
  if (digits === undefined || (bytes !== undefined && digits.length !== bytes * 2)) return undefined;
  return digits.toLowerCase();
}

/** An app id or app contract address: 40 hex digits, bare or prefixed with `0x` or `app_`. */
export const APP_ID_PATTERN = /^(?:0x|app_)?([0-9a-fA-F]{40})$/;

/** Bare lower-case 40-hex form of an app id or app contract address (`0x…`, `app_…` or bare). */
export function bareAppId(value: string | undefined): string | undefined {
  return APP_ID_PATTERN.exec(value?.trim() ?? "")?.[1]?.toLowerCase();
}

/** True for exactly 40 hex digits, no prefix, either case: an app id as the API's path takes it after `app_`. */
export function isUnprefixedAppId(value: string): boolean {
  return /^[0-9a-fA-F]{40}$/.test(value);
}

/** An app id as the API reported it, without its `0x`/`app_` prefix (any case), lower-cased; not validated. */
export function unprefixedAppId(value: string): string {
  return value.replace(/^(?:0x|app_)/i, "").toLowerCase();
}

/** Whether two hex values (addresses, hashes, calldata) are equal ignoring case; false when the first is absent. */
export function sameHex(a: string | null | undefined, b: string): boolean {
  return a?.toLowerCase() === b.toLowerCase();
}
