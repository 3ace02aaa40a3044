import { keccak256, stringToHex } from "viem";

type Json = string | number | boolean | null | undefined | readonly Json[] | { readonly [key: string]: Json };

/**
 * The Safe Transaction Builder's canonical serialisation (safe-react-apps
 * `apps/tx-builder/src/lib/checksum.ts`): an object is `{` + the JSON array of its sorted keys + each value
 * in that order followed by `,` + `}`; an array is `[` + its elements joined by `,` + `]`; anything else is
 * `JSON.stringify` with `undefined` read as `null`.
 */
export function serializeForChecksum(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((element) => serializeForChecksum(element)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as { readonly [key: string]: Json };
    const keys = Object.keys(record).sort();
    return `{${JSON.stringify(keys)}${keys.map((key) => `${serializeForChecksum(record[key])},`).join("")}}`;
  }
  return value === undefined ? "null" : JSON.stringify(value);
}

/**
 * The `meta.checksum` the Transaction Builder computes and checks on import: keccak256 of the canonical
 * serialisation of the batch file without `meta.checksum` and with `meta.name` set to null.
 */
export function txBuilderChecksum(file: {
  readonly meta: { readonly [key: string]: Json };
  readonly [key: string]: Json;
}): `0x${string}` {
  const { checksum: _ignored, ...meta } = file.meta;
  return keccak256(stringToHex(serializeForChecksum({ ...file, meta: { ...meta, name: null } })));
}
