import {
  BusyError,
  ComposeHashInvalidError,
  HashNotAllowedError,
  type PatchEnvsBody,
  PhalaApiError,
  TxVerificationError,
} from "../api";
import { registerForCvm } from "./chain-step";
import type { EnvRequest } from "./env-request";
import { CvmEnvironmentError } from "./errors";
import {
  DEFAULT_FLOW_LIMITS,
  decideNext,
  type FlowEvent,
  type FlowState,
  firstStep,
  initialFlowState,
  type NextStep,
  type PatchOutcome,
  type RegistrationRequest,
  type RejectionReason,
} from "./plan";
import type { CvmEnvironmentApi, FlowContext } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

export interface ApplyEnvOptions {
  readonly verifyComposeHash: boolean;
  /**
   * Runs before a PATCH that follows a wait (a backoff delay or the chain step), in which another
   * writer may have written; throws to stop.
   */
  readonly beforeSendAfterWait: () => Promise<void>;
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
 * `PATCH /cvms/{id}/envs`, driven by `decideNext`: every step it names (send, register) runs here and
 * what it brought goes back to `decideNext`, until the flow is done or fails. Phase 1; on 465 the chain
 * step and phase 2 with the same request; 466 starts over once; 467 and 409 retry with backoff.
 */
export async function applyEnv(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  request: EnvRequest,
  options: ApplyEnvOptions,
): Promise<Applied> {
  const limits = ctx.limits ?? DEFAULT_FLOW_LIMITS;
  let state: FlowState = initialFlowState;
  let next: NextStep = firstStep;
  let waited = false;
  for (;;) {
    let event: FlowEvent;
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
        if (waited || next.delayMs > 0) await options.beforeSendAfterWait();
        event = await sendPatch(ctx.api, cvm, { ...request, ...next.phase2 });
        waited = false;
        break;
      case "register":
        event = await register(ctx, cvm, next, request.envKeys, options.verifyComposeHash);
        waited = true;
        break;
    }
    ({ state, next } = decideNext(state, event, limits));
  }
}

async function register(
  ctx: FlowContext,
  cvm: ResolvedCvm,
  request: RegistrationRequest,
  envKeys: readonly string[],
  verifyComposeHash: boolean,
): Promise<FlowEvent> {
  ctx.report(
    `Allowed keys change needs compose hash ${request.composeHash} registered on chain ${request.chainId}`,
  );
  const registration = await registerForCvm(ctx, cvm, request, envKeys, verifyComposeHash);
  ctx.report(
    registration.sentTransaction
      ? `Registered in transaction ${registration.transactionHash}`
      : `Already registered in transaction ${registration.transactionHash}; no new transaction sent`,
  );
  return {
    kind: "registered",
    composeHash: request.composeHash,
    transactionHash: registration.transactionHash,
    registeredOn: { contract: registration.contract, chainId: request.chainId },
  };
}

/** Sends one PATCH and reduces the answer (or the typed error) to what the flow decides on. */
async function sendPatch(
  api: CvmEnvironmentApi,
  cvm: ResolvedCvm,
  body: PatchEnvsBody,
): Promise<PatchOutcome> {
  try {
    const result = await api.patchEnvs(cvm.canonicalId, body);
    if (result.kind === "accepted") {
      return {
        kind: "accepted",
        correlationId: result.correlationId,
        allowedEnvsChanged: result.allowedEnvsChanged,
      };
    }
    // A 465 without kms_info but for a CVM whose detail names a chain is still an on-chain case.
    const chainId = result.kmsInfo ? result.kmsInfo.chainId : (cvm.chainId ?? null);
    return {
      kind: "precondition_required",
      composeHash: result.composeHash,
      appId: result.appId,
      ...(result.deviceId ? { deviceId: result.deviceId } : {}),
      chainId,
    };
  } catch (error) {
    if (!(error instanceof PhalaApiError)) throw error;
    return { kind: "rejected", reason: reasonOf(error), message: error.message, error };
  }
}

function reasonOf(error: PhalaApiError): RejectionReason {
  if (error instanceof ComposeHashInvalidError) return "compose_hash_invalid";
  if (error instanceof TxVerificationError) return "tx_verification_failed";
  if (error instanceof HashNotAllowedError) return "hash_not_allowed";
  if (error instanceof BusyError) return "busy";
  return "other";
}
