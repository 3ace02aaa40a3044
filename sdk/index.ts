// The errors a program can catch: from the functions (API failures, missing key) and from the resource's arguments.
export {
  AuthError,
  BusyError,
  NetworkError,
  NotFoundError,
  PhalaApiError,
  RateLimitedError,
  RedirectError,
  ServerError,
  UnexpectedResponseError,
  ValidationError,
} from "../provider/api/errors";
export { MissingApiKeyError } from "../provider/config/missing-api-key-error";
export { PhalaError } from "../provider/phala-error";
export type { CvmEnvironmentArgs } from "./cvm-environment/args";
export { CvmEnvironment } from "./cvm-environment/cvm-environment";
export * from "./functions";
