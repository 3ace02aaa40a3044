import type { z } from "zod";
import type { ValidationIssue } from "./respond";

/** Maps zod issues to FastAPI's 422 items (`loc` starts with `body`/`query`/`path`). */
export function zodIssuesToValidation(
  where: "body" | "query" | "path",
  error: z.ZodError,
  input: unknown,
): ValidationIssue[] {
  return error.issues.map((issue) => {
    const loc: (string | number)[] = [
      where,
      ...issue.path.map((p) => (typeof p === "number" ? p : String(p))),
    ];
    const value = valueAt(input, issue.path);
    const missing = value === undefined;
    let type: string;
    let msg: string;
    if (missing && issue.code === "invalid_type") {
      type = "missing";
      msg = "Field required";
    } else if (issue.code === "invalid_type") {
      type = `${issue.expected}_type`;
      msg = `Input should be a valid ${issue.expected}`;
    } else {
      type = "value_error";
      msg = issue.message;
    }
    const out: ValidationIssue = { loc, msg, type };
    if (!missing && type !== "missing") out.input = summarize(value);
    return out;
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// Request bodies may carry ciphertext; echo only short scalar inputs.
function summarize(value: unknown): unknown {
  if (typeof value === "string") return value.length > 64 ? `${value.slice(0, 61)}...` : value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  return Array.isArray(value) ? "[...]" : "{...}";
}
