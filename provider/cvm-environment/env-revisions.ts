import { isUnknown, UNKNOWN, type Unknown } from "./unknown";

export type EnvRevisions = Record<string, number>;

/**
 * The non-secret per-key change marker that lets the engine's input diff say `KEY changed` without
 * showing a value: a key keeps its revision while its value is unchanged, gets the next revision
 * when the value differs from the previous input, and starts at 1 when it is new.
 * A value that is not known yet (preview) has an unknown revision.
 */
export function deriveEnvRevisions(
  env: Readonly<Record<string, string>>,
  previousEnv: Readonly<Record<string, unknown>> | undefined,
  previousRevisions: Readonly<Record<string, unknown>> | undefined,
): Record<string, number | Unknown> {
  const revisions: Record<string, number | Unknown> = {};
  for (const key of Object.keys(env).sort()) {
    const value = env[key];
    const previousRevision = previousRevisions?.[key];
    const hadKey = previousEnv !== undefined && Object.hasOwn(previousEnv, key);
    if (isUnknown(value)) {
      revisions[key] = UNKNOWN;
    } else if (!hadKey || typeof previousRevision !== "number") {
      revisions[key] = 1;
    } else {
      revisions[key] = previousEnv[key] === value ? previousRevision : previousRevision + 1;
    }
  }
  return revisions;
}

/**
 * Pre-encrypted mode: values are opaque, so a key keeps its previous revision or starts at 1;
 * a changed ciphertext shows as a change of `encryptedEnv` itself.
 */
export function carryEnvRevisions(
  keys: readonly string[],
  previousRevisions: Readonly<Record<string, unknown>> | undefined,
): EnvRevisions {
  const revisions: EnvRevisions = {};
  for (const key of keys) {
    const previous = previousRevisions?.[key];
    revisions[key] = typeof previous === "number" ? previous : 1;
  }
  return revisions;
}
