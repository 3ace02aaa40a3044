/**
 * Refresh: the CVM's allowed keys are the truth about which keys exist; values cannot be read back
 * (the API only holds ciphertext), so values and revisions are kept for the keys that still exist.
 */
export function driftedInputs(
  inputs: Record<string, unknown>,
  allowedKeys: readonly string[],
): Record<string, unknown> | undefined {
  const actual = [...new Set(allowedKeys)].sort();
  const recorded = Array.isArray(inputs.envKeys) ? [...(inputs.envKeys as string[])].sort() : [];
  if (actual.length === recorded.length && actual.every((key, i) => key === recorded[i])) return undefined;
  const keep = new Set(actual);
  const next: Record<string, unknown> = { ...inputs, envKeys: actual };
  for (const name of ["env", "envRevisions"] as const) {
    const map = inputs[name];
    if (map !== null && typeof map === "object") {
      next[name] = Object.fromEntries(Object.entries(map).filter(([key]) => keep.has(key)));
    }
  }
  return next;
}
