/**
 * Errors of the Phala Cloud API client. Every error is a `PhalaApiError`; the subclass says what
 * went wrong and the message says what to do about it.
 *
 * None of them carries a `cause`, request options, headers or bodies: messages are built from the
 * status, the route, and redacted server text only, so the API key and request content cannot reach
 * a message, a stack trace or `JSON.stringify(error)`.
 */
import { PhalaError } from "../phala-error";

export interface PhalaApiErrorInit {
  message: string;
  /** HTTP status; undefined when no response was received. */
  status?: number;
  errorCode?: string;
  requestId?: string;
  /** Method and path of the request, e.g. `GET /cvms/app_1234/compose_file`. */
  route?: string;
  /** Server-provided suggestions (redacted). */
  suggestions?: string[];
}

export class PhalaApiError extends PhalaError {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly requestId: string | undefined;
  readonly route: string | undefined;
  readonly suggestions: string[];

  constructor(init: PhalaApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.requestId = init.requestId;
    this.route = init.route;
    this.suggestions = init.suggestions ?? [];
  }
}

/** 401/403: the key is missing, wrong, or lacks access. */
export class AuthError extends PhalaApiError {}

/** 404: the CVM, KMS or app does not exist (or is not visible to this key). */
export class NotFoundError extends PhalaApiError {}

interface FieldError {
  path: string;
  message: string;
}

/** 422: the request body or query did not validate. */
export class ValidationError extends PhalaApiError {
  readonly fieldErrors: FieldError[];
  constructor(init: PhalaApiErrorInit & { fieldErrors: FieldError[] }) {
    super(init);
    this.fieldErrors = init.fieldErrors;
  }
}

/** 409: another operation is running on the CVM. */
export class BusyError extends PhalaApiError {
  readonly retryAfterMs: number | undefined;
  constructor(init: PhalaApiErrorInit & { retryAfterMs?: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 429: too many requests. */
export class RateLimitedError extends PhalaApiError {
  readonly retryAfterMs: number | undefined;
  constructor(init: PhalaApiErrorInit & { retryAfterMs?: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 466 (`ERR-01-006`): the compose hash is unknown, expired, superseded, or the compose changed. */
export class ComposeHashInvalidError extends PhalaApiError {}

/** 467 (`ERR-01-007`): the `transaction_hash` does not prove the expected `addComposeHash`. */
export class TxVerificationError extends PhalaApiError {}

/** 468 (`ERR-01-008`): the app contract does not allow the compose hash. */
export class HashNotAllowedError extends PhalaApiError {}

/** 5xx. */
export class ServerError extends PhalaApiError {}

/** The API answered with a redirect, which this client never follows. */
export class RedirectError extends PhalaApiError {
  /** Origin (scheme, host, port) of the `Location` header, when there was one. */
  readonly locationOrigin: string | undefined;
  constructor(init: PhalaApiErrorInit & { locationOrigin?: string }) {
    super(init);
    this.locationOrigin = init.locationOrigin;
  }
}

/** No (complete) response: connection failure, reset, or timeout. */
export class NetworkError extends PhalaApiError {
  /** Node's error code, e.g. `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`. */
  readonly code: string | undefined;
  readonly timedOut: boolean;
  constructor(init: PhalaApiErrorInit & { code?: string; timedOut: boolean }) {
    super(init);
    this.code = init.code;
    this.timedOut = init.timedOut;
  }
}

export interface ResponseIssue {
  /** Dotted path of the offending field in the response, `(root)` for the body itself. */
  path: string;
  /** What was wrong, without the value. */
  problem: string;
}

/** A response that does not have the documented shape (or is not JSON). */
export class UnexpectedResponseError extends PhalaApiError {
  readonly issues: ResponseIssue[];
  constructor(init: PhalaApiErrorInit & { issues: ResponseIssue[] }) {
    super(init);
    this.issues = init.issues;
  }
}
