/**
 * Turning a non-2xx response into the matching `PhalaApiError` subclass, with a message that says
 * what to do. Server text is redacted and shortened before it is quoted.
 */

import { compact } from "../compact";
import { type Redactor, serverText } from "../redact";
import { type ParsedErrorBody, parseErrorBody } from "./error-body";
import {
  AuthError,
  BusyError,
  ComposeHashInvalidError,
  HashNotAllowedError,
  NotFoundError,
  PhalaApiError,
  type PhalaApiErrorInit,
  RateLimitedError,
  RedirectError,
  ServerError,
  TxVerificationError,
  ValidationError,
} from "./errors";
import { parseRetryAfter } from "./retry";

interface ErrorResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Method and path, e.g. `PATCH /cvms/app_…/envs`. */
  route: string;
  redact: Redactor;
  now?: number;
}

function header(headers: ErrorResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const CODE_NOT_FOUND = new Set(["ERR-03-001", "ERR-03-004", "ERR-03-005"]);

function describeServer(parsed: ParsedErrorBody, redact: Redactor): string {
  const parts: string[] = [];
  if (parsed.message !== undefined) parts.push(`The API said: "${serverText(redact, parsed.message)}".`);
  for (const suggestion of parsed.suggestions.slice(0, 3))
    parts.push(`Suggestion: ${serverText(redact, suggestion)}.`);
  return parts.join(" ");
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

function locationOrigin(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  try {
    return new URL(location).origin;
  } catch {
    return undefined; // relative or invalid: nothing useful to show
  }
}

export function errorFromResponse(response: ErrorResponse): PhalaApiError {
  const { status, route, redact } = response;
  const parsed = parseErrorBody(response.body);
  const requestId = parsed.requestId ?? header(response.headers, "x-request-id");
  const code = parsed.errorCode;
  const server = describeServer(parsed, redact);
  const tag = [`HTTP ${status}`, code, `on ${route}`].filter((p) => p !== undefined).join(" ");
  const trailer = requestId === undefined ? "" : ` (request id ${serverText(redact, requestId)})`;

  const init = (lead: string, advice: string): PhalaApiErrorInit => {
    const base: PhalaApiErrorInit = {
      message: [`${lead} (${tag}).`, server, advice].filter((p) => p !== "").join(" ") + trailer,
      status,
      route,
      suggestions: parsed.suggestions.map((s) => serverText(redact, s)),
    };
    if (code !== undefined) base.errorCode = code;
    if (requestId !== undefined) base.requestId = serverText(redact, requestId);
    return base;
  };

  if (status >= 300 && status < 400) {
    const origin = locationOrigin(header(response.headers, "location"));
    return new RedirectError(
      compact({
        ...init(
          `The API answered with a redirect${origin === undefined ? "" : ` to ${origin}`}`,
          "Redirects are not followed, so the API key is never sent to another address. " +
            "Set the API URL (phala:apiUrl or PHALA_CLOUD_API_PREFIX) to the final address, e.g. https://cloud-api.phala.com/api/v1.",
        ),
        locationOrigin: origin,
      }),
    );
  }
  if (status === 466 || code === "ERR-01-006") {
    return new ComposeHashInvalidError(
      init(
        "The compose hash is invalid or expired",
        "It is unknown, older than 14 days, superseded, or the CVM's compose changed since it was issued. " +
          "Run the update again so a fresh compose hash is requested.",
      ),
    );
  }
  if (status === 467 || code === "ERR-01-007") {
    return new TxVerificationError(
      init(
        "The API could not verify the addComposeHash transaction",
        "The receipt may be missing (not yet mined or on another chain), reverted, or sent to a contract other than the CVM's app contract. " +
          "Check the transaction in a block explorer; if it is still pending, wait and retry with the same transaction hash.",
      ),
    );
  }
  if (status === 468 || code === "ERR-01-008") {
    return new HashNotAllowedError(
      init(
        "The compose hash is not allowed by the app contract",
        "Register it with addComposeHash on the CVM's DstackApp contract (or wait until the chain RPC the API uses has seen the transaction), then retry.",
      ),
    );
  }
  if (status === 401) {
    return new AuthError(
      init(
        "Phala Cloud rejected the API key",
        "Set a valid key with the stack config phala:apiKey (as a secret) or the PHALA_CLOUD_API_KEY environment variable.",
      ),
    );
  }
  if (status === 403) {
    return new AuthError(
      init(
        "The API key is not allowed to do this",
        "Check that the key belongs to the workspace that owns the resource and has the permissions the operation needs.",
      ),
    );
  }
  if (status === 404 || (code !== undefined && CODE_NOT_FOUND.has(code))) {
    return new NotFoundError(
      init(
        "Not found",
        "Check the identifier: a CVM is named by its id, app id, vm uuid, instance id or name; a KMS by its id or slug. " +
          "Resources of another workspace are reported as not found.",
      ),
    );
  }
  if (status === 422) {
    const fieldErrors = parsed.validation.map((v) => ({
      path: v.path === "" ? "(request)" : v.path,
      message: serverText(redact, v.message),
    }));
    const listed = fieldErrors
      .slice(0, 5)
      .map((f) => `${f.path}: ${f.message}`)
      .join("; ");
    return new ValidationError({
      ...init(
        `The API rejected the request as invalid${listed === "" ? "" : `: ${listed}`}`,
        "Check the fields listed; if they come from pulumi-phala itself, please report it.",
      ),
      fieldErrors,
    });
  }
  const retryAfterMs = parseRetryAfter(header(response.headers, "retry-after"), response.now);
  const waitHint = retryAfterMs === undefined ? "" : ` The server asked to wait ${seconds(retryAfterMs)}.`;
  if (status === 409) {
    return new BusyError(
      compact({
        ...init(
          "Another operation is in progress on this CVM",
          `Wait until it finishes (see the CVM's operations in the dashboard) and run again.${waitHint}`,
        ),
        retryAfterMs,
      }),
    );
  }
  if (status === 429) {
    return new RateLimitedError(
      compact({
        ...init("Rate limited by the Phala Cloud API", `Wait a moment and run again.${waitHint}`),
        retryAfterMs,
      }),
    );
  }
  if (status >= 500) {
    return new ServerError(
      init(
        "The Phala Cloud API failed",
        `This is usually temporary; run again later. If it persists, contact Phala Cloud support with the request id.${waitHint}`,
      ),
    );
  }
  return new PhalaApiError(
    init(
      "The API rejected the request",
      "Check the identifiers and inputs used by this resource or function.",
    ),
  );
}
