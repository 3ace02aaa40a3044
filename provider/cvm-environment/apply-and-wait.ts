import { encryptEnv } from "../crypto";
import { bareHex } from "../normalize";
import { applyEnv } from "./apply-env";
import { envKeysToSend } from "./env-keys-order";
import { resolveEnvPublicKey } from "./env-public-key";
import { envKeysOf } from "./env-revisions";
import {
  assertNoConcurrentWrite,
  assertNoWriteSince,
  guardForeignWrites,
  type WriteHistory,
} from "./foreign-writes";
import type { ApplyOptions } from "./inputs";
import type { ComputedOutputs } from "./outputs";
import type { FlowContext } from "./ports";
import { currentAllowedEnvs, type ResolvedCvm } from "./resolve-cvm";
import { waitForOperation } from "./wait-for-operation";

export type EnvPayload =
  | { readonly kind: "plain"; readonly env: Readonly<Record<string, string>> }
  | { readonly kind: "encrypted"; readonly encryptedEnv: string; readonly envKeys: readonly string[] };

/**
 * Refuses to overwrite a foreign env write, encrypts (or takes the ciphertext as given), applies
 * through the two-phase flow, waits, checks that no other writer raced it, reports facts.
 */
export async function applyAndWait(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  payload: EnvPayload,
  options: Pick<
    ApplyOptions,
    "waitForReady" | "readyTimeoutSeconds" | "verifyComposeHash" | "allowUnverifiedEnvPublicKey"
  >,
  history: WriteHistory,
): Promise<ComputedOutputs> {
  const baseline = await guardForeignWrites(ctx, cvm, history);
  let sends = 0;
  let encryptedEnv: string;
  let envKeys: string[];
  let publicKey: { hex: string; verified: boolean } | undefined;
  if (payload.kind === "plain") {
    envKeys = Object.keys(payload.env).sort();
    const key = await resolveEnvPublicKey(ctx, cvm, options.allowUnverifiedEnvPublicKey);
    publicKey = key;
    encryptedEnv = encryptEnv(
      envKeys.map((name) => ({ key: name, value: payload.env[name] as string })),
      key.bytes,
    );
  } else {
    envKeys = [...payload.envKeys].sort();
    encryptedEnv = bareHex(payload.encryptedEnv);
  }

  const applied = await applyEnv(ctx, cvm, {
    encryptedEnv,
    envKeys: envKeysToSend(await currentAllowedEnvs(ctx.api, cvm), envKeys),
    verifyComposeHash: options.verifyComposeHash,
    beforeEachSend: async () => {
      // The guard read the operations just before the first send; later sends may follow a wait.
      if (sends++ > 0) await assertNoWriteSince(ctx, cvm, baseline, history);
    },
  });
  ctx.report(`Update accepted (operation ${applied.correlationId})`);

  let composeHash = applied.composeHash ?? cvm.detail.composeHash;
  if (options.waitForReady) {
    await waitForOperation(ctx, {
      cvmId: cvm.canonicalId,
      correlationId: applied.correlationId,
      timeoutSeconds: options.readyTimeoutSeconds,
    });
    // Unchanged keys keep the compose hash, and a two-phase change named it; only a single-phase key
    // change (or an answer that did not say) leaves the new hash to be read from the CVM.
    if (applied.allowedEnvsChanged !== false && !applied.composeHash) {
      composeHash = (await ctx.api.getCvm(cvm.canonicalId)).composeHash ?? composeHash;
    }
  }
  await assertNoConcurrentWrite(ctx, cvm, baseline, applied.correlationId);

  return {
    canonicalCvmId: cvm.canonicalId,
    ...(cvm.appId ? { appId: cvm.appId } : {}),
    ...(cvm.detail.workspaceId ? { workspaceId: cvm.detail.workspaceId } : {}),
    ...(cvm.kmsType ? { kmsType: cvm.kmsType } : {}),
    ...(cvm.chainId !== undefined ? { chainId: cvm.chainId } : {}),
    ...(publicKey ? { envPublicKey: publicKey.hex, envPublicKeyVerified: publicKey.verified } : {}),
    ...(composeHash ? { composeHash: bareHex(composeHash) } : {}),
    ...(applied.registrationTransactionHash
      ? { registrationTransactionHash: applied.registrationTransactionHash }
      : {}),
    correlationId: applied.correlationId,
  };
}

export const payloadOf = (inputs: {
  env?: Record<string, string>;
  encryptedEnv?: string;
  envRevisions: Readonly<Record<string, number>>;
}): EnvPayload =>
  inputs.encryptedEnv !== undefined
    ? { kind: "encrypted", encryptedEnv: inputs.encryptedEnv, envKeys: envKeysOf(inputs.envRevisions) }
    : { kind: "plain", env: inputs.env ?? {} };
