import type { z } from "zod";
import { compact } from "../compact";
import { type ResponseIssue, UnexpectedResponseError } from "./errors";

/** Dotted path of a zod issue, e.g. `items.0.chain_id`. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map((p) => String(p)).join(".");
}

/**
 * What was wrong with a field, by kind only. zod's own messages are not reused so that no value can
 * ever be quoted (enum and literal messages can echo what was expected or received).
 */
function issueProblem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "too_small":
    case "too_big":
      return `${issue.code === "too_small" ? "too small" : "too big"} (${issue.origin})`;
    case "invalid_format":
      return `invalid ${issue.format}`;
    case "invalid_value":
      return "value not among those expected";
    case "invalid_union":
      return "matches none of the expected shapes";
    case "unrecognized_keys":
      return "unexpected keys";
    case "custom":
      // Messages of this package's own refinements; they never contain the value.
      return issue.message;
    default:
      return "invalid";
  }
}

export function responseIssues(error: z.ZodError): ResponseIssue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), problem: issueProblem(issue) }));
}

export function unexpectedResponse(
  route: string,
  issues: ResponseIssue[],
  status?: number,
): UnexpectedResponseError {
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.problem}`)
    .join("; ");
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return new UnexpectedResponseError(
    compact({
      message:
        `Unexpected response from ${route}: ${shown}${more}. ` +
        "The Phala Cloud API answered in a shape this version of pulumi-phala does not understand; " +
        "check for a newer pulumi-phala release or a custom API URL pointing at something else.",
      route,
      issues,
      status,
    }),
  );
}

/** Validates `data` with `schema`; on mismatch, an `UnexpectedResponseError` naming the fields. */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  route: string,
  status?: number,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw unexpectedResponse(route, responseIssues(result.error), status);
}
