import type { EmulatorContext } from "../context";
import { type ApiResponse, detail } from "../http/respond";
import type { CvmRecord } from "../state/cvm";

/** Resolves the `{id}` path segment, or the 404 response (string detail, layout A). */
export function resolveCvm(ctx: EmulatorContext, id: string | undefined): CvmRecord | ApiResponse {
  const result = ctx.store.resolve(id ?? "");
  if ("cvm" in result) return result.cvm;
  if (result.error === "ambiguous") {
    return detail(400, `Identifier matches ${result.count} CVMs; use the CVM id`);
  }
  return detail(404, "CVM not found");
}

export function isResponse(value: CvmRecord | ApiResponse): value is ApiResponse {
  return "status" in value && "body" in value;
}
