/**
 * Refresh: the CVM's allowed keys are the truth about which keys exist; values cannot be read back
 * (the API only holds ciphertext), so values and revisions are kept for the keys that still exist,
 * and a key that exists only on the CVM is recorded at revision 0 (the next preview shows `- KEY`
 * when the program does not declare it).
 */
export function driftedInputs(
  inputs: Record<string, unknown>,
  allowedKeys: readonly string[],
): Record<string, unknown> | undefined {
  const actual = [...new Set(allowedKeys)].sort();
  const revisions = asNumbers(inputs.envRevisions);
  const recorded = Object.keys(revisions).sort();
  if (actual.length === recorded.length && actual.every((key, i) => key === recorded[i])) return undefined;
  const next: Record<string, unknown> = {
    ...inputs,
    envRevisions: Object.fromEntries(actual.map((key) => [key, revisions[key] ?? 0])),
  };
  const env = inputs.env;
  if (env !== null && typeof env === "object") {
    const keep = new Set(actual);
    next.env = Object.fromEntries(Object.entries(env).filter(([key]) => keep.has(key)));
  }
  return next;
}

const asNumbers = (value: unknown): Record<string, number> =>
  value !== null && typeof value === "object"
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
      )
    : {};
