import { z } from "zod";
import { upstreamComposeHash } from "../compose/compose-hash";
import type { EmulatorContext } from "../context";
import { codedError, type ErrorDetail } from "../http/coded-error";
import { type ApiResponse, detail, json, validationError } from "../http/respond";
import { zodIssuesToValidation } from "../http/validation";
import { allowedEnvs, type CvmRecord, isBusy, normalizeKeys, sameKeySet } from "../state/cvm";
import { kmsInfoView } from "../state/kms";
import type { EnvUpdate } from "../state/operations";
import { isResponse, resolveCvm } from "./resolve-cvm";
import type { ApiRequest, Handler } from "./types";

const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;

/** Body of `PATCH /cvms/{id}/envs`. */
export const EnvsBody = z.object({
  encrypted_env: z.string().regex(HEX, "encrypted_env must be a hex string"),
  env_keys: z.array(z.string()).nullable().optional(),
  compose_hash: z.string().nullable().optional(),
  transaction_hash: z.string().nullable().optional(),
});
export type EnvsBody = z.infer<typeof EnvsBody>;

export const BUSY_MESSAGE = "Another operation is already in progress for this CVM";

/** Parses a JSON request body; the error is a FastAPI-style 422. */
export function parseJsonBody<T>(
  req: ApiRequest,
  schema: z.ZodType<T>,
): { data: T } | { error: ApiResponse } {
  if (req.body.trim() === "") {
    return { error: validationError([{ loc: ["body"], msg: "Field required", type: "missing" }]) };
  }
  let input: unknown;
  try {
    input = JSON.parse(req.body);
  } catch (e) {
    return {
      error: validationError([
        { loc: ["body", 0], msg: `JSON decode error: ${(e as Error).message}`, type: "json_invalid" },
      ]),
    };
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return {
      error: validationError([
        { loc: ["body"], msg: "Input should be a valid dictionary or object", type: "model_attributes_type" },
      ]),
    };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { error: validationError(zodIssuesToValidation("body", parsed.error, input)) };
  return { data: parsed.data };
}

/** `PATCH /cvms/{id}/envs`: single phase, or the 465 → addComposeHash → phase-2 flow. */
export const patchEnvs: Handler = async (ctx, req) => {
  const parsed = parseJsonBody(req, EnvsBody);
  if ("error" in parsed) return parsed.error;
  const body = parsed.data;
  const cvm = resolveCvm(ctx, req.params.id);
  if (isResponse(cvm)) return cvm;
  if (isBusy(cvm)) return detail(409, BUSY_MESSAGE);

  const requested = body.env_keys == null ? null : normalizeKeys(body.env_keys);
  if (requested === null || sameKeySet(requested, allowedEnvs(cvm))) {
    return accept(ctx, cvm, { encryptedEnv: body.encrypted_env, allowedEnvs: null }, false);
  }
  const twoPhase = cvm.onchain !== null || ctx.settings.phalaTwoPhase;
  if (!twoPhase) {
    return accept(ctx, cvm, { encryptedEnv: body.encrypted_env, allowedEnvs: requested }, true);
  }
  const nextHash = upstreamComposeHash({ ...cvm.appCompose, allowed_envs: requested });
  const isPhase2 = body.compose_hash != null || body.transaction_hash != null;
  if (!isPhase2) {
    ctx.pending.remember(cvm.id, nextHash, requested);
    return precondition(ctx, cvm, nextHash, req.requestId);
  }

  if (!body.compose_hash) {
    return hashInvalid(ctx, req, "", "compose_hash is required together with transaction_hash");
  }
  const lookup = ctx.pending.lookup(cvm.id, body.compose_hash, requested);
  if (!lookup.ok) {
    const reasons = {
      unknown: "compose hash is unknown for this CVM (no matching phase-1 request)",
      expired: "compose hash has expired; request a new one",
      superseded: "compose hash was superseded by a newer update request",
      "env-keys-mismatch": "env_keys differ from the phase-1 request for this compose hash",
    } as const;
    return hashInvalid(ctx, req, body.compose_hash, reasons[lookup.reason]);
  }
  if (lookup.pending.composeHash !== nextHash) {
    return hashInvalid(ctx, req, body.compose_hash, "the app compose changed since the phase-1 request");
  }
  if (cvm.onchain) {
    if (!body.transaction_hash) {
      return chainError(ctx, req, 467, body.compose_hash, "transaction_hash is required for on-chain KMS");
    }
    const check = await ctx.verifier.verify({
      appContract: cvm.onchain.appContract,
      composeHash: nextHash,
      transactionHash: body.transaction_hash,
    });
    if (!check.ok) return chainError(ctx, req, check.code, body.compose_hash, check.reason);
  }
  // The chain check is asynchronous: another request may have started an operation meanwhile.
  if (isBusy(cvm)) return detail(409, BUSY_MESSAGE);
  ctx.pending.consume(lookup.pending);
  return accept(ctx, cvm, { encryptedEnv: body.encrypted_env, allowedEnvs: requested }, true);
};

function accept(
  ctx: EmulatorContext,
  cvm: CvmRecord,
  update: EnvUpdate,
  allowedEnvsChanged: boolean,
): ApiResponse {
  const op = ctx.runner.start(cvm, update);
  return json(202, {
    status: "in_progress",
    message: allowedEnvsChanged
      ? "Environment update accepted; allowed_envs will change"
      : "Environment update accepted",
    correlation_id: op.correlation_id,
    allowed_envs_changed: allowedEnvsChanged,
  });
}

const hex = (ctx: EmulatorContext, value: string) => (ctx.settings.hexPrefix ? `0x${value}` : value);

/** The 465 of phase 1 (ERR-01-005) with compose_hash, app_id, device_id and the full KmsInfo. */
function precondition(ctx: EmulatorContext, cvm: CvmRecord, hash: string, requestId: string): ApiResponse {
  const details: ErrorDetail[] = [
    { field: "compose_hash", value: hex(ctx, hash), message: null },
    { field: "app_id", value: hex(ctx, cvm.appId), message: null },
    { field: "device_id", value: hex(ctx, cvm.deviceId), message: null },
    {
      field: "kms_info",
      value:
        ctx.settings.kmsInfoLayout === "docs"
          ? { chain_id: cvm.kms.chain_id, kms_contract_address: cvm.kms.kms_contract_address }
          : kmsInfoView(cvm.kms, ctx.keys.k256PublicKey),
      message: null,
    },
  ];
  const onchain = cvm.onchain !== null;
  return codedError(
    {
      status: 465,
      errorCode: "ERR-01-005",
      message: onchain
        ? "Compose hash registration required on-chain"
        : "Compose hash confirmation required for the allowed_envs change",
      details,
      suggestions: onchain
        ? [
            "Call addComposeHash(compose_hash) on the app's DstackApp contract as its owner",
            "Repeat the request with compose_hash and transaction_hash",
          ]
        : ["Repeat the request with compose_hash"],
      links: [
        { url: "https://docs.phala.com/phala-cloud/key-management/updating-with-onchain-kms", label: "Docs" },
      ],
    },
    ctx.settings.errorLayout,
    requestId,
  );
}

function hashInvalid(ctx: EmulatorContext, req: ApiRequest, hash: string, reason: string): ApiResponse {
  return chainError(ctx, req, 466, hash, reason);
}

const CHAIN_ERRORS = {
  466: { code: "ERR-01-006", message: "Compose hash is invalid or expired" },
  467: { code: "ERR-01-007", message: "Transaction verification failed" },
  468: { code: "ERR-01-008", message: "Compose hash is not allowed on-chain" },
} as const;

function chainError(
  ctx: EmulatorContext,
  req: ApiRequest,
  status: 466 | 467 | 468,
  hash: string,
  reason: string,
): ApiResponse {
  const { code, message } = CHAIN_ERRORS[status];
  // The legacy flat layout (E) exists for 465 only; the other coded errors use C then.
  const layout = ctx.settings.errorLayout === "E" ? "C" : ctx.settings.errorLayout;
  return codedError(
    {
      status,
      errorCode: code,
      message: `${message}: ${reason}`,
      details: [{ field: "compose_hash", value: hash, message: reason }],
    },
    layout,
    req.requestId,
  );
}
