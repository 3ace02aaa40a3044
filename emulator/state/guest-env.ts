import type { EnvEntry } from "../crypto/env-blob";

/** The guest's limits (dstack-util `parse_env`). */
export const GUEST_ENV_LIMITS = {
  maxEntries: 1024,
  maxKeyBytes: 255,
  maxValueBytes: 128 * 1024,
  maxTotalBytes: 1024 * 1024,
} as const;

/** The name rule the guest applies to allowed keys. */
export const GUEST_ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type GuestEnvResult = { ok: true; env: EnvEntry[]; dropped: string[] } | { ok: false; error: string };

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * What the dstack guest does with a decrypted env list at boot (dstack-util `parse_env`): the entry count is
 * limited before filtering; sizes are limited; entries whose key is not in `allowed_envs` are skipped;
 * allowed keys must match the name pattern; on duplicates the later entry wins. A violation aborts the
 * boot, which the emulator reports as a failed operation. Error texts name keys, never values.
 */
export function applyGuestEnvRules(env: readonly EnvEntry[], allowedEnvs: readonly string[]): GuestEnvResult {
  if (env.length > GUEST_ENV_LIMITS.maxEntries) {
    return {
      ok: false,
      error: `too many environment variables: ${env.length} > ${GUEST_ENV_LIMITS.maxEntries}`,
    };
  }
  let total = 0;
  for (const { key, value } of env) {
    total += bytes(key) + bytes(value);
    if (bytes(key) > GUEST_ENV_LIMITS.maxKeyBytes) {
      return { ok: false, error: `environment variable name too long (${bytes(key)} bytes)` };
    }
    if (bytes(value) > GUEST_ENV_LIMITS.maxValueBytes) {
      return { ok: false, error: `value of ${key} too large (${bytes(value)} bytes)` };
    }
  }
  if (total > GUEST_ENV_LIMITS.maxTotalBytes) {
    return { ok: false, error: `environment too large: ${total} bytes > ${GUEST_ENV_LIMITS.maxTotalBytes}` };
  }
  const allowed = new Set(allowedEnvs);
  const result = new Map<string, string>();
  const dropped: string[] = [];
  for (const { key, value } of env) {
    if (!allowed.has(key)) {
      dropped.push(key);
      continue;
    }
    if (!GUEST_ENV_KEY.test(key)) {
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
