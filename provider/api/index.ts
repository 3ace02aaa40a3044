export { apiUrlProblem } from "./base-url";
export { PhalaClient, type PhalaClientOptions } from "./client";
export { cvmIdProblem, normalizeCvmId } from "./cvm-id";
export type { ListCvmsOptions, ListOperationsOptions } from "./cvms";
export type { PatchEnvsAccepted, PatchEnvsBody, PatchEnvsResult } from "./envs";
export { type ParsedErrorBody, parseErrorBody } from "./error-body";
export {
  AuthError,
  BusyError,
  ComposeHashInvalidError,
  HashNotAllowedError,
  NetworkError,
  NotFoundError,
  PhalaApiError,
  type PhalaApiErrorInit,
  RateLimitedError,
  RedirectError,
  type ResponseIssue,
  ServerError,
  TxVerificationError,
  UnexpectedResponseError,
  ValidationError,
} from "./errors";
export type { ListKmsOptions } from "./kms";
export { type PreconditionRequired, parsePreconditionRequired } from "./precondition";
export {
  type AttemptOutcome,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryContext,
  type RetryPolicy,
  retryDelay,
} from "./retry";
export type { AppCompose, CvmDetail, CvmKmsInfo, CvmList } from "./schemas/cvm";
export type { AppEnvEncryptPubkey, KmsInfo, KmsOnChainDetail, NextAppId } from "./schemas/kms";
export type { CvmOperation } from "./schemas/operations";
export type { RetryInfo } from "./transport";
export { DEFAULT_BASE_URL, DEFAULT_USER_AGENT, PHALA_API_VERSION } from "./version";
