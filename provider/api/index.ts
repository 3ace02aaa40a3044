export { apiUrlProblem, isLoopbackHost } from "./base-url";
export { DEFAULT_TIMEOUT_MS, PhalaClient, type PhalaClientOptions } from "./client";
export { cvmIdProblem, normalizeCvmId } from "./cvm-id";
export type { ListCvmsOptions, ListOperationsOptions } from "./cvms";
export type { PatchEnvsAccepted, PatchEnvsBody, PatchEnvsResult } from "./envs";
export { type ErrorBodyLayout, type ParsedErrorBody, parseErrorBody } from "./error-body";
export {
  AuthError,
  BusyError,
  ComposeHashInvalidError,
  type FieldError,
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
export { type ListKmsOptions, MAX_NEXT_APP_IDS } from "./kms";
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
export type { AppCompose, CvmDetail, CvmKmsInfo, CvmList, CvmProgress, ListedCvm } from "./schemas/cvm";
export type {
  AppEnvEncryptPubkey,
  KmsInfo,
  KmsOnChainContract,
  KmsOnChainDetail,
  KmsOnChainDevice,
  KmsOnChainOsImage,
  NextAppId,
} from "./schemas/kms";
export type { CvmOperation } from "./schemas/operations";
export type { RetryInfo } from "./transport";
export { DEFAULT_BASE_URL, DEFAULT_USER_AGENT, PACKAGE_VERSION, PHALA_API_VERSION } from "./version";
