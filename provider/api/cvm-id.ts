/**
 * CVM identifiers as the API expects them in a path, with the same string rules as
 * the official SDKs: a UUID (dashes optional) loses its dashes, a bare 40-hex app id gets the `app_`
 * prefix, anything else (hashed `cvm_…` id, `app_…`, `instance_…`, name, integer id, `0x…`) is used
 * as given.
 */

const UUID_V4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const BARE_APP_ID = /^[0-9a-f]{40}$/i;

export function normalizeCvmId(input: string): string {
  const id = input.trim();
  if (id === "")
    throw new TypeError("CVM identifier is empty: pass the CVM's id, app id, vm uuid, instance id or name");
  if (UUID_V4.test(id)) return id.replace(/-/g, "");
  if (BARE_APP_ID.test(id)) return `app_${id}`;
  return id;
}

/** The identifier as one escaped path segment. */
export function cvmPathSegment(input: string): string {
  return encodeURIComponent(normalizeCvmId(input));
}
