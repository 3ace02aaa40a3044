import { registerForCvm } from "./chain-step";
import { CvmEnvironmentError } from "./errors";
import { sendPatch } from "./patch-outcome";
import { afterRegistration, DEFAULT_FLOW_LIMITS, decideNext, type FlowState, initialFlowState } from "./plan";
import type { FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

export interface ApplyRequest {
  /** Hex ciphertext of the complete env set; phase 2 resends exactly these bytes. */
  readonly encryptedEnv: string;
  /** The new `allowed_envs`: sorted, or the CVM's own order when the set is unchanged. */
  readonly envKeys: readonly string[];
  readonly verifyComposeHash: boolean;
  /** Runs before every PATCH (a busy CVM may finish another writer's update in between); throws to stop. */
  readonly beforeEachSend?: () => Promise<void>;
}

export interface Applied {
  readonly correlationId: string;
  /** undefined when the server did not say. */
  readonly allowedEnvsChanged: boolean | undefined;
  /** The compose hash registered for this change, when the keys changed through the two-phase flow. */
  readonly composeHash?: string;
  readonly registrationTransactionHash?: string;
}

/**
 * `PATCH /cvms/{id}/envs`, driven by `decideNext`: phase 1; on 465 the chain step and phase 2 with
 * the same ciphertext; 466 starts over once; 467 and 409 retry with backoff; the rest fails.
 */
export async function applyEnv(ctx: FlowContext, cvm: ResolvedCvm, request: ApplyRequest): Promise<Applied> {
  const limits = ctx.limits ?? DEFAULT_FLOW_LIMITS;
  const envKeys = [...request.envKeys];
  let state: FlowState = initialFlowState;
  await request.beforeEachSend?.();
  let outcome = await sendPatch(ctx.api, cvm, { encryptedEnv: request.encryptedEnv, envKeys });
  for (;;) {
    let decision = decideNext(state, outcome, limits);
    if (decision.next.kind === "register") {
      const { kind: _, ...registrationRequest } = decision.next;
      ctx.report(
        `Allowed keys change needs compose hash ${registrationRequest.composeHash} registered on chain ${registrationRequest.chainId}`,
      );
      const registration = await registerForCvm(
        ctx,
        cvm,
        registrationRequest,
        envKeys,
        request.verifyComposeHash,
      );
      ctx.report(
        registration.sentTransaction
          ? `Registered in transaction ${registration.transactionHash}`
          : `Already registered in transaction ${registration.transactionHash}; no new transaction sent`,
      );
      decision = afterRegistration(
        decision.state,
        registrationRequest.composeHash,
        registration.transactionHash,
        {
          contract: registration.contract,
          chainId: registrationRequest.chainId,
        },
      );
    }
    state = decision.state;
    const next = decision.next;
    switch (next.kind) {
      case "done":
        return {
          correlationId: next.correlationId,
          allowedEnvsChanged: next.allowedEnvsChanged,
          ...(state.phase2 ? { composeHash: state.phase2.composeHash } : {}),
          ...(state.phase2?.transactionHash
            ? { registrationTransactionHash: state.phase2.transactionHash }
            : {}),
        };
      case "fail":
        if (next.message === undefined) throw next.error;
        throw new CvmEnvironmentError(next.message);
      case "send":
        if (next.why) ctx.report(next.why);
        if (next.delayMs > 0) await ctx.sleep(next.delayMs);
        await request.beforeEachSend?.();
        outcome = await sendPatch(ctx.api, cvm, {
          encryptedEnv: request.encryptedEnv,
          envKeys,
          ...(next.phase2?.composeHash ? { composeHash: next.phase2.composeHash } : {}),
          ...(next.phase2?.transactionHash ? { transactionHash: next.phase2.transactionHash } : {}),
        });
        break;
      case "register":
        throw new CvmEnvironmentError("internal: a registration step was not run");
    }
  }
}
