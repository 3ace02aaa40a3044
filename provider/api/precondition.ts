/**
 * Reading the HTTP 465 "compose hash registration required" answer of `PATCH /cvms/{id}/envs`
 * (phase 1 of the on-chain flow) from any of the layouts the server has used: structured at the top
 * level (C), structured under `detail` (D), or the legacy flat object (E). Hashes and ids may come
 * with or without `0x`.
 */

import { z } from "zod";
import { compact } from "../compact";
import { bareAppId, hexDigits } from "../normalize";
import { type Redactor, serverText } from "../redact";
import { errorField, parseErrorBody } from "./error-body";
import type { ResponseIssue } from "./errors";
import { responseIssues, unexpectedResponse } from "./parse";
import { idString, optionalString } from "./schemas/common";

/**
 * The 465's `kms_info`, reduced to what the flow uses: only `chain_id` is required (null for the
 * Phala-operated KMS). Every other `KmsInfo` field is optional, so the docs' own minimal example
 * `{"chain_id": 8453, "kms_contract_address": "0x…"}` parses as well as the full seven-key object.
 */
interface PreconditionKmsInfo {
  chainId: number | null;
  kmsContractAddress?: string;
  id?: string;
  slug?: string;
  url?: string;
  version?: string;
}

const preconditionKmsInfoSchema = z
  .object({
    chain_id: z.number().int().positive().nullable(),
    kms_contract_address: optionalString,
    id: idString.nullish().transform((v) => v ?? undefined),
    slug: optionalString,
    url: optionalString,
    version: optionalString,
  })
  .transform(
    (k): PreconditionKmsInfo =>
      compact({
        chainId: k.chain_id,
        kmsContractAddress: k.kms_contract_address,
        id: k.id,
        slug: k.slug,
        url: k.url,
        version: k.version,
      }),
  );

export interface PreconditionRequired {
  kind: "precondition_required";
  /** Exactly as received: phase 2 sends it back verbatim. */
  composeHash: string;
  /** The same hash as 64 lower-case hex characters without `0x`; add `0x` for the contract call. */
  composeHashHex: string;
  /** The app id as 40 lower-case hex characters without `0x` (the form `GET /cvms/{id}` uses). */
  appId: string;
  /** Lower-case hex without `0x`. */
  deviceId?: string;
  /** The KMS governing the app; absent in answers for the Phala-operated KMS. */
  kmsInfo?: PreconditionKmsInfo;
  message: string;
  errorCode?: string;
  requestId?: string;
}

const DEFAULT_MESSAGE = "Compose hash registration required";

/** Parses a 465 body; throws `UnexpectedResponseError` (naming fields, never values) if it lacks what phase 2 needs. */
export function parsePreconditionRequired(
  body: unknown,
  route: string,
  redact: Redactor = (text) => text,
): PreconditionRequired {
  const parsed = parseErrorBody(body);
  const issues: ResponseIssue[] = [];

  const composeHash = errorField(parsed, "compose_hash");
  const composeHashHex = typeof composeHash === "string" ? hexDigits(composeHash, 32) : undefined;
  if (composeHashHex === undefined) {
    issues.push({ path: "compose_hash", problem: "expected 64 hex characters, with or without 0x" });
  }

  const appId = errorField(parsed, "app_id");
  if (typeof appId !== "string" || appId === "")
    issues.push({ path: "app_id", problem: "expected a non-empty string" });

  const deviceId = errorField(parsed, "device_id");
  if (deviceId !== undefined && deviceId !== null && typeof deviceId !== "string") {
    issues.push({ path: "device_id", problem: "expected string" });
  }

  const rawKms = errorField(parsed, "kms_info");
  let kmsInfo: PreconditionKmsInfo | undefined;
  if (rawKms !== undefined && rawKms !== null) {
    const result = preconditionKmsInfoSchema.safeParse(rawKms);
    if (result.success) kmsInfo = result.data;
    else issues.push(...responseIssues(result.error).map((i) => ({ ...i, path: `kms_info.${i.path}` })));
  }

  if (
    issues.length > 0 ||
    typeof composeHash !== "string" ||
    composeHashHex === undefined ||
    typeof appId !== "string"
  ) {
    throw unexpectedResponse(route, issues, 465);
  }

  const result: PreconditionRequired = {
    kind: "precondition_required",
    composeHash,
    composeHashHex,
    appId: bareAppId(appId) ?? appId,
    message: parsed.message === undefined ? DEFAULT_MESSAGE : serverText(redact, parsed.message),
  };
  if (typeof deviceId === "string" && deviceId !== "") {
    result.deviceId = hexDigits(deviceId) ?? deviceId;
  }
  if (kmsInfo !== undefined) result.kmsInfo = kmsInfo;
  if (parsed.errorCode !== undefined) result.errorCode = parsed.errorCode;
  if (parsed.requestId !== undefined) result.requestId = parsed.requestId;
  return result;
}
