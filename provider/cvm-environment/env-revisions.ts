import { fromPropertyKey } from "./property-keys";
import { isUnknown, UNKNOWN, type Unknown } from "./unknown";

type EnvRevisions = Record<string, number>;

/**
 * The non-secret record of the key set and of value changes, keyed by env key so that the engine's
 * input diff names keys (`+ KEY`, `- KEY`, `~ KEY`) and never shows a value: a key keeps its
 * revision while its value is unchanged, gets the next revision when the value differs from the
 * previous input, and starts at 1 when it is new. A value that is not known yet (preview) has an
 * unknown revision. Refresh records a key that exists only on the CVM at revision 0.
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
  for (const key of [...keys].sort()) {
    const previous = previousRevisions?.[key];
    revisions[key] = typeof previous === "number" ? previous : 1;
  }
  return revisions;
}

/** The environment's keys, sorted: the `envKeys` output, derived from the revisions map (keyed by property key). */
export const envKeysOf = (revisions: Readonly<Record<string, unknown>>): string[] =>
  Object.keys(revisions).map(fromPropertyKey).sort();
