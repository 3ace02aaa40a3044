import {
  BusyError,
  ComposeHashInvalidError,
  HashNotAllowedError,
  type PatchEnvsBody,
  PhalaApiError,
  TxVerificationError,
} from "../api";
import type { PatchOutcome, RejectionReason } from "./plan";
import type { CvmEnvironmentApi } from "./ports";
import type { ResolvedCvm } from "./resolve-cvm";

/** Sends one PATCH and reduces the answer (or the typed error) to what the flow decides on. */
export async function sendPatch(
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
