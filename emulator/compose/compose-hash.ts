import { createHash } from "node:crypto";

/**
 * The app-compose compose hash as upstream computes it (`getComposeHash` of the phala-cloud JS SDK), written
 * here independently of the provider so the emulator stays a witness:
 * 1. preprocess: with `runner: "bash"` drop `docker_compose_file`, with `runner: "docker-compose"` drop
 *    `bash_script`; drop a `pre_launch_script` that is empty or null;
 * 2. sort object keys recursively (arrays keep their order);
 * 3. `JSON.stringify(x, null, 4)`, then replace every `": "` with `":"` (everywhere in the text, as upstream
 *    does — also inside a string value that contains `": "`);
 * 4. SHA-256 of the UTF-8 bytes, 64 lower-case hex.
 */
export function upstreamComposeHash(appCompose: Readonly<Record<string, unknown>>): string {
  return createHash("sha256").update(serializeAppCompose(appCompose), "utf8").digest("hex");
}

/** Steps 1–3: the text whose SHA-256 is the compose hash. */
export function serializeAppCompose(appCompose: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(sortKeys(preprocess(appCompose)), null, 4).replace(/": /g, '":');
}

function preprocess(appCompose: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...appCompose };
  if (out.runner === "bash") delete out.docker_compose_file;
  else if (out.runner === "docker-compose") delete out.bash_script;
  if ("pre_launch_script" in out && !out.pre_launch_script) delete out.pre_launch_script;
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
