/**
 * One HTTP exchange with the Phala Cloud API, and the retry loop around it.
 *
 * got is used with its own retrying, redirect following and HTTP-error throwing turned off: this
 * module decides what is retried (see `retry.ts`), a redirect is an error (the API key must not
 * travel to another origin), and non-2xx responses are mapped to this package's errors. got's
 * errors are never rethrown or attached as `cause`: they carry the request options, headers
 * included.
 */
import { setTimeout as sleep } from "node:timers/promises";
import got, { type Got, RequestError, TimeoutError } from "got";
import { compact } from "../compact";
import { createRedactor, type Redactor } from "../redact";
import { NetworkError, type PhalaApiError } from "./errors";
import { unexpectedResponse } from "./parse";
import { errorFromResponse } from "./response-error";
import { type AttemptOutcome, type RetryPolicy, retryDelay } from "./retry";
import { PHALA_API_VERSION } from "./version";

export interface RetryInfo {
  /** Method and path, e.g. `GET /cvms/app_…`. No query string, no body, no headers. */
  route: string;
  /** The attempt that just failed, starting at 1. */
  attempt: number;
  delayMs: number;
  /** `HTTP 503`, `ECONNREFUSED`, … */
  reason: string;
}

interface TransportOptions {
  apiKey: string;
  /** Without trailing `/`. */
  baseUrl: string;
  timeoutMs: number;
  userAgent: string;
  retry: RetryPolicy;
  onRetry?: (info: RetryInfo) => void;
}

type QueryValue = string | number | boolean | undefined;

interface ApiRequest {
  method: "GET" | "PATCH";
  /** Path below the base URL, starting with `/`, every dynamic segment already escaped. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body; keys whose value is undefined are left out. */
  body?: Record<string, unknown>;
  /** Strings of the request that must never appear in error text (e.g. the encrypted env). */
  secrets?: readonly string[];
  /**
   * Whether the request may be sent more than once with the same effect. Decides which failures
   * are retried (see `retryDelay`).
   */
  idempotent: boolean;
  /** Non-2xx statuses that are returned to the caller instead of being thrown (e.g. 465). */
  passStatuses?: readonly number[];
  /** At least this long for this request, when the client's own timeout is shorter. */
  minTimeoutMs?: number;
}

interface ApiResponse {
  status: number;
  /** Parsed JSON body. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  route: string;
  redact: Redactor;
}

/** Errors that occur before a connection exists: the request cannot have reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);
/** got timeout phases that end before the request is written. */
const NOT_SENT_TIMEOUT_EVENTS = new Set(["lookup", "connect", "secureConnect"]);

const NOT_JSON = Symbol("not JSON");

type Exchange =
  | { kind: "response"; status: number; headers: ApiResponse["headers"]; body: unknown }
  | { kind: "network"; code: string | undefined; timedOut: boolean; mayHaveReachedServer: boolean };

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function firstHeader(headers: ApiResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const top = (body as Record<string, unknown>).error_code;
  if (typeof top === "string") return top;
  const detail = (body as Record<string, unknown>).detail;
  if (typeof detail === "object" && detail !== null) {
    const nested = (detail as Record<string, unknown>).error_code;
    if (typeof nested === "string") return nested;
  }
  return undefined;
}

function describeNetwork(code: string | undefined, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (ECONNREFUSED)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host name could not be resolved (${code})`;
    case "ECONNRESET":
      return "the connection was closed before a complete answer arrived (ECONNRESET)";
    case undefined:
      return "the request failed without a response";
    default:
      return `the request failed (${code})`;
  }
}

function stringifyBody(body: Record<string, unknown>): string {
  return JSON.stringify(compact(body));
}

function searchParams(query: Record<string, QueryValue> | undefined): Record<string, string> | undefined {
  if (query === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) out[key] = String(value);
  }
  return out;
}

export class Transport {
  readonly #got: Got;
  readonly #options: TransportOptions;
  readonly #host: string;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#host = new URL(options.baseUrl).host;
    this.#got = got.extend({
      headers: {
        "x-api-key": options.apiKey,
        "x-phala-version": PHALA_API_VERSION,
        "user-agent": options.userAgent,
        accept: "application/json",
      },
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs },
      responseType: "text",
    });
  }

  async request(request: ApiRequest): Promise<ApiResponse> {
    const route = `${request.method} ${request.path}`;
    const redact = createRedactor([this.#options.apiKey, ...(request.secrets ?? [])]);

    for (let attempt = 1; ; attempt++) {
      const exchange = await this.#exchange(request);
      const outcome: AttemptOutcome =
        exchange.kind === "network"
          ? { kind: "network", mayHaveReachedServer: exchange.mayHaveReachedServer }
          : { kind: "response", status: exchange.status, ...this.#retryFacts(exchange) };

      if (exchange.kind === "response") {
        const ok = exchange.status >= 200 && exchange.status < 300;
        if (ok || request.passStatuses?.includes(exchange.status)) {
          if (exchange.body === NOT_JSON) {
            throw unexpectedResponse(
              route,
              [{ path: "(root)", problem: "body is not JSON" }],
              exchange.status,
            );
          }
          return { status: exchange.status, body: exchange.body, headers: exchange.headers, route, redact };
        }
      }

      const delayMs = retryDelay(attempt, outcome, {
        policy: this.#options.retry,
        idempotent: request.idempotent,
      });
      if (delayMs === undefined) throw this.#failure(exchange, request, route, redact, attempt);

      this.#options.onRetry?.({
        route,
        attempt,
        delayMs,
        reason: exchange.kind === "response" ? `HTTP ${exchange.status}` : (exchange.code ?? "network error"),
      });
      await sleep(delayMs);
    }
  }

  #retryFacts(exchange: Extract<Exchange, { kind: "response" }>): {
    errorCode?: string;
    retryAfter?: string;
  } {
    const facts: { errorCode?: string; retryAfter?: string } = {};
    const errorCode = errorCodeOf(exchange.body);
    const retryAfter = firstHeader(exchange.headers, "retry-after");
    if (errorCode !== undefined) facts.errorCode = errorCode;
    if (retryAfter !== undefined) facts.retryAfter = retryAfter;
    return facts;
  }

  #failure(
    exchange: Exchange,
    request: ApiRequest,
    route: string,
    redact: Redactor,
    attempts: number,
  ): PhalaApiError {
    const after = attempts > 1 ? ` Gave up after ${attempts} attempts.` : "";
    if (exchange.kind === "network") {
      const what = describeNetwork(exchange.code, exchange.timedOut, this.#timeoutOf(request));
      const unsafe =
        exchange.mayHaveReachedServer && !request.idempotent
          ? " The request may have reached the server, so it was not repeated automatically: check the CVM's operations before running again."
          : "";
      return new NetworkError(
        compact({
          message:
            `Could not complete ${route} with the Phala Cloud API at ${this.#host}: ${what}. ` +
            `Check network access and the API URL (phala:apiUrl or PHALA_CLOUD_API_PREFIX).${unsafe}${after}`,
          route,
          timedOut: exchange.timedOut,
          code: exchange.code,
        }),
      );
    }
    const error = errorFromResponse({
      status: exchange.status,
      body: exchange.body === NOT_JSON ? undefined : exchange.body,
      headers: exchange.headers,
      route,
      redact,
    });
    if (after !== "") error.message += after;
    return error;
  }

  #timeoutOf(request: ApiRequest): number {
    return Math.max(this.#options.timeoutMs, request.minTimeoutMs ?? 0);
  }

  async #exchange(request: ApiRequest): Promise<Exchange> {
    const url = `${this.#options.baseUrl}${request.path}`;
    try {
      const response = await this.#got(url, {
        method: request.method,
        timeout: { request: this.#timeoutOf(request) },
        searchParams: searchParams(request.query),
        ...(request.body === undefined
          ? {}
          : { body: stringifyBody(request.body), headers: { "content-type": "application/json" } }),
      });
      return {
        kind: "response",
        status: response.statusCode,
        headers: response.headers,
        body: parseJson(response.body),
      };
    } catch (error) {
      // Only facts are kept from got's error; the error object itself (with its options) is dropped.
      if (error instanceof TimeoutError) {
        return {
          kind: "network",
          code: "ETIMEDOUT",
          timedOut: true,
          mayHaveReachedServer: !NOT_SENT_TIMEOUT_EVENTS.has(error.event),
        };
      }
      const code = error instanceof RequestError && typeof error.code === "string" ? error.code : undefined;
      return {
        kind: "network",
        code,
        timedOut: false,
        mayHaveReachedServer: code === undefined || !NOT_SENT_CODES.has(code),
      };
    }
  }
}
