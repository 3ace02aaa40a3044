import type { ErrorLayout } from "../state/settings";
import { type ApiResponse, json } from "./respond";

export type ErrorDetail = { field: string; value: unknown; message: string | null };

export type CodedError = {
  status: number;
  errorCode: string;
  message: string;
  details?: ErrorDetail[];
  suggestions?: string[];
  links?: { url: string; label: string }[];
};

/**
 * A structured `ERR-…` error in the chosen layout: C top level (default), D nested under
 * `detail`, E the legacy flat form (details become top-level keys; only meaningful for 465).
 */
export function codedError(error: CodedError, layout: ErrorLayout, requestId: string): ApiResponse {
  const structured: Record<string, unknown> = {
    error_code: error.errorCode,
    message: error.message,
    request_id: requestId,
  };
  if (error.details) structured.details = error.details;
  if (error.suggestions) structured.suggestions = error.suggestions;
  if (error.links) structured.links = error.links;
  switch (layout) {
    case "C":
      return json(error.status, structured);
    case "D":
      return json(error.status, { detail: structured });
    case "E": {
      const flat: Record<string, unknown> = { message: error.message };
      for (const d of error.details ?? []) flat[d.field] = d.value;
      return json(error.status, flat);
    }
  }
}
