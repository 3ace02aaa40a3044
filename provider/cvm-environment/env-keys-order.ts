/**
 * The `env_keys` to send: the CVM's current `allowed_envs`, in its own order, when the set of keys is
 * unchanged (a server comparing lists must not see a change, and no compose hash is asked for);
 * otherwise the new keys, sorted.
 */
export function envKeysToSend(current: readonly string[], desired: readonly string[]): string[] {
  const sorted = [...new Set(desired)].sort();
  const currentSet = new Set(current);
  const unchanged =
    currentSet.size === current.length &&
    currentSet.size === sorted.length &&
    sorted.every((key) => currentSet.has(key));
  return unchanged ? [...current] : sorted;
}
