import { isUnprefixedAppId } from "../normalize";

/**
 * CVM identifiers as the API expects them in a path, with the same string rules as
 * the official SDKs: a UUID (dashes optional) loses its dashes, a bare 40-hex app id gets the `app_`
 * prefix, anything else (hashed `cvm_…` id, `app_…`, `instance_…`, name, integer id, `0x…`) is used
 * as given.
 */

const UUID_V4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;

/** Longer than any identifier form the API hands out (names, hashed ids, `app_` + 40 hex, UUIDs). */
const MAX_CVM_ID_LENGTH = 128;

/**
 * Why a string cannot name a CVM, or `undefined` when it can. `.` and `..` would move the request
 * to another path once URL-normalized; control characters and absurd lengths are never identifiers.
 * The reason is a fixed text: it never repeats the input.
 */
export function cvmIdProblem(input: string): string | undefined {
  const id = input.trim();
  if (id === "") return "is empty: pass the CVM's id, app id, vm uuid, instance id or name";
  if (id === "." || id === "..") return "must not be a relative path segment (. or ..)";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return "must not contain control characters";
  if (id.length > MAX_CVM_ID_LENGTH) return `must be at most ${MAX_CVM_ID_LENGTH} characters`;
  return undefined;
}

export function normalizeCvmId(input: string): string {
  const id = input.trim();
  const problem = cvmIdProblem(id);
  if (problem !== undefined) throw new TypeError(`CVM identifier ${problem}`);
  if (UUID_V4.test(id)) return id.replace(/-/g, "");
  if (isUnprefixedAppId(id)) return `app_${id}`;
  return id;
}

/** The identifier as one escaped path segment. */
export function cvmPathSegment(input: string): string {
  return encodeURIComponent(normalizeCvmId(input));
}
