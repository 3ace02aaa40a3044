/**
 * Reading the error bodies the API emits:
 *
 * - A `{"detail": "<text>"}`
 * - B `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` (422 request validation)
 * - C `{"error_code": "ERR-…", "message": "...", "request_id"?, "details"?, "suggestions"?, "links"?}`
 * - D `{"detail": { …layout C… }}`
 * - E `{"message": "...", "compose_hash": "...", "app_id": "...", ...}` (legacy flat 465)
 *
 * The result keeps the structure (codes, field names, values) for callers such as the 465 parser;
 * it is never printed as a whole.
 */

type ErrorBodyLayout = "A" | "B" | "C" | "D" | "E" | "unknown";

interface ErrorDetailEntry {
  field: string;
  value: unknown;
  message?: string;
}

interface ValidationIssue {
  /** `loc` without its leading `body`/`query`/`path`/`header`, joined with `.` */
  path: string;
  message: string;
  type?: string;
}

export interface ParsedErrorBody {
  layout: ErrorBodyLayout;
  message?: string;
  errorCode?: string;
  requestId?: string;
  /** Layout C/D `details`. */
  details: ErrorDetailEntry[];
  suggestions: string[];
  /** Layout B entries. */
  validation: ValidationIssue[];
  /** Layout E: the flat object itself (and, for any layout, the object the fields were read from). */
  fields: Record<string, unknown>;
}

const LOCATION_PREFIXES = new Set(["body", "query", "path", "header"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function readDetails(value: unknown): ErrorDetailEntry[] {
  if (!Array.isArray(value)) return [];
  const out: ErrorDetailEntry[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry.field !== "string") continue;
    const message = optionalString(entry.message);
    out.push(
      message === undefined
        ? { field: entry.field, value: entry.value }
        : { field: entry.field, value: entry.value, message },
    );
  }
  return out;
}

function readSuggestions(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === "string") : [];
}

/** Field path of a FastAPI/Pydantic `loc`, without the request-part prefix. */
export function validationPath(loc: unknown): string {
  if (!Array.isArray(loc)) return "";
  const parts = loc.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
  const first = parts[0];
  const rest = typeof first === "string" && LOCATION_PREFIXES.has(first) ? parts.slice(1) : parts;
  return rest.map(String).join(".");
}

function readValidation(value: unknown[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const issue: ValidationIssue = {
      path: validationPath(entry.loc),
      message: typeof entry.msg === "string" ? entry.msg : "invalid value",
    };
    if (typeof entry.type === "string") issue.type = entry.type;
    out.push(issue);
  }
  return out;
}

function isStructured(value: Record<string, unknown>): boolean {
  return typeof value.error_code === "string";
}

function structured(
  layout: "C" | "D",
  obj: Record<string, unknown>,
  outer: Record<string, unknown>,
): ParsedErrorBody {
  const parsed: ParsedErrorBody = {
    layout,
    details: readDetails(obj.details),
    suggestions: readSuggestions(obj.suggestions),
    validation: [],
    fields: obj,
  };
  const message = optionalString(obj.message);
  const errorCode = optionalString(obj.error_code);
  const requestId = optionalString(obj.request_id) ?? optionalString(outer.request_id);
  if (message !== undefined) parsed.message = message;
  if (errorCode !== undefined) parsed.errorCode = errorCode;
  if (requestId !== undefined) parsed.requestId = requestId;
  return parsed;
}

/** Classifies and reads an error body. `body` is the parsed JSON, or `undefined` when it was not JSON. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  const empty: ParsedErrorBody = {
    layout: "unknown",
    details: [],
    suggestions: [],
    validation: [],
    fields: {},
  };
  if (!isRecord(body)) return empty;

  const detail = body.detail;
  if (isRecord(detail) && isStructured(detail)) return structured("D", detail, body);
  if (isStructured(body)) return structured("C", body, body);
  if (typeof detail === "string") {
    const parsed: ParsedErrorBody = { ...empty, layout: "A", message: detail, fields: body };
    const requestId = optionalString(body.request_id);
    if (requestId !== undefined) parsed.requestId = requestId;
    return parsed;
  }
  if (Array.isArray(detail)) {
    return { ...empty, layout: "B", validation: readValidation(detail), fields: body };
  }
  if (isRecord(detail)) {
    // `detail` object without an error code: read it like a flat body.
    const message = optionalString(detail.message);
    return message === undefined
      ? { ...empty, layout: "E", fields: detail }
      : { ...empty, layout: "E", message, fields: detail };
  }
  const message = optionalString(body.message);
  if (message !== undefined || "compose_hash" in body) {
    return message === undefined
      ? { ...empty, layout: "E", fields: body }
      : { ...empty, layout: "E", message, fields: body };
  }
  return { ...empty, fields: body };
}

/**
 * The value of one named field of an error body: a `details` entry (layouts C/D) first, then a key
 * of the object the fields were read from (layout E, or extra keys next to the structured ones).
 */
export function errorField(body: ParsedErrorBody, field: string): unknown {
  const entry = body.details.find((d) => d.field === field);
  if (entry !== undefined) return entry.value;
  return body.fields[field];
}
