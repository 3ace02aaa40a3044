import { bareHex } from "../normalize";
import { applyEnv } from "./apply-env";
import type { EarlierEnvPublicKey } from "./env-public-key";
import { buildEnvRequest, type EnvSource } from "./env-request";
import {
  assertNoConcurrentWrite,
  assertNoWriteSince,
  guardForeignWrites,
  type WriteHistory,
} from "./foreign-writes";
import type { ApplyOptions } from "./inputs";
import type { ComputedOutputs } from "./outputs";
import type { FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";
import { waitForOperation } from "./wait-for-operation";

/**
 * Refuses to overwrite a foreign env write, builds the request (encrypting plain values), applies it
 * through the two-phase flow, waits, checks that no other writer raced it, reports facts.
 */
export async function applyAndWait(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  source: EnvSource,
  options: Pick<
    ApplyOptions,
    "waitForReady" | "readyTimeoutSeconds" | "verifyComposeHash" | "allowUnverifiedEnvPublicKey"
  >,
  history: WriteHistory,
  earlierKey?: EarlierEnvPublicKey,
): Promise<ComputedOutputs> {
  const baseline = await guardForeignWrites(ctx, cvm, history);
  const { request, envPublicKey: publicKey } = await buildEnvRequest(
    ctx,
    cvm,
    source,
    options.allowUnverifiedEnvPublicKey,
    earlierKey,
  );
  // The guard read the operations just before the first send; a send after a wait reads them again.
  const applied = await applyEnv(ctx, cvm, request, {
    verifyComposeHash: options.verifyComposeHash,
    beforeSendAfterWait: () => assertNoWriteSince(ctx, cvm, baseline, history),
  });
  ctx.report(`Update accepted (operation ${applied.correlationId})`);

  let composeHash = applied.composeHash ?? cvm.detail.composeHash;
  let listed: Awaited<ReturnType<typeof waitForOperation>>;
  if (options.waitForReady) {
    listed = await waitForOperation(ctx, {
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
  await assertNoConcurrentWrite(ctx, cvm, baseline, applied.correlationId, listed);

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
