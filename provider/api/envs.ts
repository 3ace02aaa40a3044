/** `PATCH /cvms/{id}/envs`: replace the encrypted environment (and optionally the allowed keys). */
import { cvmPathSegment } from "./cvm-id";
import { parseResponse } from "./parse";
import { type PreconditionRequired, parsePreconditionRequired } from "./precondition";
import { envsAcceptedSchema } from "./schemas/envs";
import type { Transport } from "./transport";

export interface PatchEnvsBody {
  /** Hex of the encryption blob, the complete env set. */
  encryptedEnv: string;
  /** New allowed keys; omitted = unchanged. */
  envKeys?: string[];
  /** Phase 2: the compose hash of the 465 answer, verbatim. */
  composeHash?: string;
  /** Phase 2: hash of the mined `addComposeHash` transaction. */
  transactionHash?: string;
}

export interface PatchEnvsAccepted {
  kind: "accepted";
  /** Follow the update with it (operations list, `progress.correlation_id`). */
  correlationId: string;
  /** Absent when the server leaves the field out. */
  allowedEnvsChanged?: boolean;
  message: string;
}

export type PatchEnvsResult = PatchEnvsAccepted | PreconditionRequired;

const PRECONDITION_REQUIRED = 465;
/**
 * Phase 2 (and any PATCH that changes keys) may wait on the API's own receipt and
 * `allowedComposeHashes` checks, which it retries for RPC lag; the default request timeout is too short.
 */
export const PHASE2_MIN_TIMEOUT_MS = 120_000;

export async function patchEnvs(
  transport: Transport,
  cvmId: string,
  body: PatchEnvsBody,
): Promise<PatchEnvsResult> {
  const response = await transport.request({
    method: "PATCH",
    path: `/cvms/${cvmPathSegment(cvmId)}/envs`,
    body: {
      encrypted_env: body.encryptedEnv,
      env_keys: body.envKeys,
      compose_hash: body.composeHash,
      transaction_hash: body.transactionHash,
    },
    secrets: [body.encryptedEnv],
    // Each accepted call starts a new operation on the CVM, so the call is only repeated after
    // answers that mean it was not accepted (see retryDelay), never after a lost response.
    idempotent: false,
    passStatuses: [PRECONDITION_REQUIRED],
    ...(body.transactionHash !== undefined || body.composeHash !== undefined
      ? { minTimeoutMs: PHASE2_MIN_TIMEOUT_MS }
      : {}),
  });

  if (response.status === PRECONDITION_REQUIRED) {
    return parsePreconditionRequired(response.body, response.route, response.redact);
  }
  const accepted = parseResponse(envsAcceptedSchema, response.body, response.route, response.status);
  return {
    kind: "accepted",
    correlationId: accepted.correlation_id,
    ...(accepted.allowed_envs_changed === undefined
      ? {}
      : { allowedEnvsChanged: accepted.allowed_envs_changed }),
    message: accepted.message ?? "",
  };
}
