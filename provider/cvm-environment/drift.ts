import type { CheckedInputs } from "./properties";
import { toPropertyKey } from "./property-keys";

/**
 * Refresh: the CVM's allowed keys are the truth about which keys exist; values cannot be read back
 * (the API only holds ciphertext), so values and revisions are kept for the keys that still exist,
 * and a key that exists only on the CVM is recorded at revision 0 (the next preview shows `- KEY`
 * when the program does not declare it).
 */
export function driftedInputs(
  inputs: Partial<CheckedInputs>,
  allowedKeys: readonly string[],
): Partial<CheckedInputs> | undefined {
  const actual = [...new Set(allowedKeys.map(toPropertyKey))].sort();
  const revisions = inputs.envRevisions ?? {};
  const recorded = Object.keys(revisions).sort();
  if (actual.length === recorded.length && actual.every((key, i) => key === recorded[i])) return undefined;
  const next = {
    ...inputs,
    envRevisions: Object.fromEntries(actual.map((key) => [key, revisions[key] ?? 0])),
  };
  if (inputs.env === undefined) return next;
  const keep = new Set(actual);
  return { ...next, env: Object.fromEntries(Object.entries(inputs.env).filter(([key]) => keep.has(key))) };
}
