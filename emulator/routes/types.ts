import type { EmulatorContext } from "../context";
import type { ApiResponse } from "../http/respond";

export type ApiRequest = {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text ("" when none). */
  body: string;
  requestId: string;
  /** The `X-Phala-Version` header, or the default version. */
  version: string;
};

export type Handler = (ctx: EmulatorContext, req: ApiRequest) => ApiResponse | Promise<ApiResponse>;
