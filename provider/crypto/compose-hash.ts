import { createHash } from "node:crypto";

/**
 * The app-compose serialisation whose SHA-256 is the compose hash: keys sorted recursively,
 * four-space indentation, `,` and `:` separators (Python's
 * `json.dumps(o, indent=4, sort_keys=True, separators=(",", ":"))`, the convention of the official
 * `@phala/cloud` SDK). Non-ASCII text is kept as UTF-8.
 */
export function appComposeJson(appCompose: Record<string, unknown>): string {
  return serialize(appCompose, "");
}

/** SHA-256 of `appComposeJson(appCompose)`: 64 lowercase hex digits, no `0x`. */
export function composeHash(appCompose: Record<string, unknown>): string {
  return createHash("sha256").update(appComposeJson(appCompose), "utf8").digest("hex");
}

function serialize(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => inner + serialize(item, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}:${serialize(item, inner)}`).join(",\n")}\n${indent}}`;
}
