import type { PatchEnvsBody } from "../api";
import { encryptEnv } from "../crypto";
import { bareHex } from "../normalize";
import { type EarlierEnvPublicKey, type EnvPublicKey, resolveEnvPublicKey } from "./env-public-key";
import { envKeysOf } from "./env-revisions";
import type { CheckedInputs } from "./inputs";
import type { FlowContext } from "./ports";
import { fromPropertyKey } from "./property-keys";
import { currentAllowedEnvs, type ResolvedCvm } from "./resolve-cvm";

/**
 * The env update, built once: phase 1 sends it, and phase 2 sends these same bytes again with the
 * compose hash and the registration transaction. `envKeys` is in the order to send.
 */
export type EnvRequest = Readonly<Required<Pick<PatchEnvsBody, "encryptedEnv" | "envKeys">>>;

/** The env as declared: plain values (encrypted here), or a ciphertext with its key set. */
export type EnvSource = Pick<CheckedInputs, "env" | "encryptedEnv" | "envRevisions">;

export interface BuiltEnvRequest {
  readonly request: EnvRequest;
  /** The key the values were encrypted to; absent for a ciphertext given as input. */
  readonly envPublicKey?: EnvPublicKey;
}

/**
 * Encrypts plain values to the CVM's (verified) env public key, or takes the ciphertext as given;
 * the key list is the CVM's own when the set is unchanged, else the new keys sorted. Plain values are
 * encrypted in the order of that list.
 */
export async function buildEnvRequest(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  source: EnvSource,
  allowUnverifiedEnvPublicKey: boolean,
  earlierKey?: EarlierEnvPublicKey,
): Promise<BuiltEnvRequest> {
  if (source.encryptedEnv !== undefined) {
    const envKeys = await keysToSend(ctx, cvm, envKeysOf(source.envRevisions));
    return { request: { encryptedEnv: bareHex(source.encryptedEnv), envKeys } };
  }
  const values = new Map(
    Object.entries(source.env ?? {}).map(([key, value]) => [fromPropertyKey(key), value]),
  );
  const envPublicKey = await resolveEnvPublicKey(ctx, cvm, allowUnverifiedEnvPublicKey, earlierKey);
  const envKeys = await keysToSend(ctx, cvm, [...values.keys()]);
  const encryptedEnv = encryptEnv(
    envKeys.map((key) => ({ key, value: values.get(key) as string })),
    envPublicKey.bytes,
  );
  return { request: { encryptedEnv, envKeys }, envPublicKey };
}

const keysToSend = async (ctx: FlowContext, cvm: ResolvedCvm, declared: readonly string[]) =>
  envKeysToSend(await currentAllowedEnvs(ctx.api, cvm), declared);

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
