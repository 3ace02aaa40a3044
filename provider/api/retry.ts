/**
 * The retry policy, as pure functions: given what happened on an attempt, how long to wait before
 * the next one, or `undefined` to stop and report the error.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  limit: number;
  /** Backoff of the first retry; doubles with each further retry. */
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /**
   * Longest `Retry-After` that is waited out. A longer one is not waited for: the error is reported
   * with the server's delay so the caller can decide.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  limit: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
};

/** What one attempt produced, reduced to what the policy needs. */
export type AttemptOutcome =
  | {
      kind: "response";
      status: number;
      /** `error_code` of a structured error body, if any. */
      errorCode?: string;
      /** Raw `Retry-After` header value. */
      retryAfter?: string;
    }
  | {
      kind: "network";
      /**
       * False only when the request provably never left this machine (connection refused, DNS
       * failure): then even a non-idempotent request can be sent again.
       */
      mayHaveReachedServer: boolean;
    };

export interface RetryContext {
  policy: RetryPolicy;
  /**
   * Whether sending the request twice has the same effect as sending it once. GETs are; `PATCH
   * /cvms/{id}/envs` is not: every accepted call starts a new operation on the CVM.
   */
  idempotent: boolean;
  /** Clock for HTTP-date `Retry-After` values. */
  now?: () => number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

/**
 * Statuses that mean the server did not act on the request, so any request may be sent again:
 * 408 (the server gave up receiving it), 429 (rejected before processing), 503 (not served).
 */
function rejectedUnprocessed(status: number): boolean {
  return status === 408 || status === 429 || status === 503;
}

/**
 * A 409 without an `error_code` is "another operation in progress" (a coded 409 is a business
 * conflict that will not go away by waiting). Reads wait it out here. An update (`PATCH
 * /cvms/{id}/envs`) is not repeated here: the env flow waits for the CVM on the scale of an
 * operation and counts its own attempts, and two layers retrying the same answer would multiply.
 */
function busy(status: number, errorCode: string | undefined): boolean {
  return status === 409 && errorCode === undefined;
}

/**
 * Other server errors (500, 502, 504, …) may arrive after the server acted on the request (a gateway
 * timing out while the backend carries on). Only idempotent requests are repeated on those.
 */
function serverFailure(status: number): boolean {
  return status >= 500 && status <= 599;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form names the month; this keeps "-5" or "1.5" from passing as dates.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The backoff rule of every retry, HTTP or update flow: `baseDelayMs` after attempt 1, doubling
 * with each further attempt, never above `maxDelayMs`.
 */
export function exponentialBackoff(
  attempt: number,
  delays: { readonly baseDelayMs: number; readonly maxDelayMs: number },
): number {
  return Math.min(delays.maxDelayMs, delays.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** `exponentialBackoff` with jitter: a uniform value in [cap/2, cap). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const capped = exponentialBackoff(attempt, policy);
  return Math.round(capped / 2 + (random() * capped) / 2);
}

/**
 * Delay before retrying after attempt number `attempt` (1 = the first request), or `undefined` when
 * the outcome is not retried or the retry budget is spent.
 */
export function retryDelay(
  attempt: number,
  outcome: AttemptOutcome,
  context: RetryContext,
): number | undefined {
  const { policy, idempotent } = context;
  if (attempt > policy.limit) return undefined;

  if (outcome.kind === "network") {
    // A request that may have reached the server may also have been acted on; repeating a
    // non-idempotent one could apply it twice.
    if (!idempotent && outcome.mayHaveReachedServer) return undefined;
    return backoffDelay(attempt, policy, context.random);
  }

  const retryable =
    rejectedUnprocessed(outcome.status) ||
    (idempotent && (busy(outcome.status, outcome.errorCode) || serverFailure(outcome.status)));
  if (!retryable) return undefined;

  const retryAfterMs = parseRetryAfter(outcome.retryAfter, (context.now ?? Date.now)());
  if (retryAfterMs !== undefined) {
    return retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : undefined;
  }
  return backoffDelay(attempt, policy, context.random);
}
