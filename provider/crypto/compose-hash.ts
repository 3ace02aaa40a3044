import { createHash } from "node:crypto";

/**
 * The compose hash as the official `@phala/cloud` SDK computes it (`getCvmComposeFile(...).getHash()`,
 * built from its exported `preprocessAppCompose` and `dumpAppCompose`):
 *
 * 1. preprocess: drop `docker_compose_file` when `runner` is `"bash"`, drop `bash_script` when
 *    `runner` is `"docker-compose"`, drop a `pre_launch_script` that is empty or null;
 * 2. serialise: plain objects rebuilt with their keys sorted (recursively), `JSON.stringify(o, null, 4)`,
 *    then every `": "` replaced by `":"` (the SDK replaces the text globally, so a string value containing
 *    `": ` is changed too, and this function does the same);
 * 3. SHA-256 of the UTF-8 text, 64 lowercase hex digits, no `0x`.
 */
export function composeHash(appCompose: Record<string, unknown>): string {
  return createHash("sha256").update(appComposeJson(appCompose), "utf8").digest("hex");
}

/** The text whose SHA-256 is the compose hash (steps 1 and 2 of `composeHash`). */
export function appComposeJson(appCompose: Record<string, unknown>): string {
  return JSON.stringify(sortKeys(preprocess(appCompose)), null, 4).replace(/": /g, '":');
}

function preprocess(appCompose: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...appCompose };
  if (copy.runner === "bash") delete copy.docker_compose_file;
  else if (copy.runner === "docker-compose") delete copy.bash_script;
  if ("pre_launch_script" in copy && !copy.pre_launch_script) delete copy.pre_launch_script;
  return copy;
}

/**
 * Plain objects rebuilt with sorted keys, arrays element by element, everything else as is. Rebuilding
 * (rather than sorting at print time) keeps the engine's own order for integer-like keys, as the SDK does.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object" && value.constructor === Object) {
    const record = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) sorted[key] = sortKeys(record[key]);
    return sorted;
  }
  return value;
}
