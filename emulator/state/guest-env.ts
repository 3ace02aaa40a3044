import { ENV_KEY_PATTERN, ENV_LIMITS, type EnvVar } from "../../provider/crypto";

export type GuestEnvResult = { ok: true; env: EnvVar[]; dropped: string[] } | { ok: false; error: string };

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * What the dstack guest does with a decrypted env list at boot (dstack-util `parse_env`): the entry count is
 * limited before filtering; sizes are limited; entries whose key is not in `allowed_envs` are skipped;
 * allowed keys must match the name pattern; on duplicates the later entry wins. A violation aborts the
 * boot, which the emulator reports as a failed operation. Error texts name keys, never values.
 */
export function applyGuestEnvRules(env: readonly EnvVar[], allowedEnvs: readonly string[]): GuestEnvResult {
  if (env.length > ENV_LIMITS.maxEntries) {
    return { ok: false, error: `too many environment variables: ${env.length} > ${ENV_LIMITS.maxEntries}` };
  }
  let total = 0;
  for (const { key, value } of env) {
    total += bytes(key) + bytes(value);
    if (bytes(key) > ENV_LIMITS.maxKeyBytes) {
      return { ok: false, error: `environment variable name too long (${bytes(key)} bytes)` };
    }
    if (bytes(value) > ENV_LIMITS.maxValueBytes) {
      return { ok: false, error: `value of ${key} too large (${bytes(value)} bytes)` };
    }
  }
  if (total > ENV_LIMITS.maxTotalBytes) {
    return { ok: false, error: `environment too large: ${total} bytes > ${ENV_LIMITS.maxTotalBytes}` };
  }
  const allowed = new Set(allowedEnvs);
  const result = new Map<string, string>();
  const dropped: string[] = [];
  for (const { key, value } of env) {
    if (!allowed.has(key)) {
      dropped.push(key);
      continue;
    }
    if (!ENV_KEY_PATTERN.test(key)) {
      return { ok: false, error: `invalid environment variable name: ${JSON.stringify(key)}` };
    }
    result.set(key, value);
  }
  return {
    ok: true,
    env: [...result].map(([key, value]) => ({ key, value })),
    dropped: [...new Set(dropped)],
  };
}
