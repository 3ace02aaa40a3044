import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { EmulatorContext } from "./context";
import { defaultFaultBody } from "./faults";
import { type ApiResponse, BodyTooLargeError, detail, json, readBody, send } from "./http/respond";
import { Router } from "./http/router";
import { emptyCvmList, getComposeFile, getCvm, getOperations, listCvms } from "./routes/cvms";
import { patchEnvs } from "./routes/envs";
import * as inspect from "./routes/inspect";
import { getAppEnvPubkey, getKms, getOnChainKms, listKms, nextAppIds } from "./routes/kms";
import type { ApiRequest, Handler } from "./routes/types";
import { API_VERSION_DEFAULT } from "./views/cvm-detail";

/** Path prefix of the Phala Cloud API. */
export const API_PREFIX = "/api/v1";
/** Path prefix of the emulator's own inspection API (no API key). */
export const INSPECT_PREFIX = "/_emulator";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function apiRouter(): Router<Handler> {
  return new Router<Handler>()
    .add("GET", "/cvms/paginated", listCvms)
    .add("GET", "/cvms/{id}", getCvm)
    .add("GET", "/cvms/{id}/compose_file", getComposeFile)
    .add("GET", "/cvms/{id}/operations", getOperations)
    .add("PATCH", "/cvms/{id}/envs", patchEnvs)
    .add("GET", "/kms", listKms)
    .add("GET", "/kms/on-chain/{chain}", getOnChainKms)
    .add("GET", "/kms/phala/next_app_id", nextAppIds)
    .add("GET", "/kms/{kms_id}", getKms)
    .add("GET", "/kms/{kms}/pubkey/{app_id}", getAppEnvPubkey);
}

/**
 * Routes the OpenAPI document lists without a security requirement (the KMS directory): served without an
 * API key. (Assumption: a key sent anyway is ignored.)
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  "GET /kms",
  "GET /kms/{kms_id}",
  "GET /kms/{kms}/pubkey/{app_id}",
  "GET /kms/on-chain/{chain}",
]);

export function inspectRouter(): Router<Handler> {
  return new Router<Handler>()
    .add("GET", "/", inspect.inspectSummary)
    .add("GET", "/cvms", inspect.inspectList)
    .add("POST", "/cvms", inspect.inspectCreate)
    .add("GET", "/cvms/{id}", inspect.inspectOne)
    .add("PUT", "/cvms/{id}/allowed_envs", inspect.inspectSetAllowedEnvs)
    .add("GET", "/requests", inspect.inspectRequests)
    .add("DELETE", "/requests", inspect.inspectResetRequests)
    .add("GET", "/exchanges", inspect.inspectExchanges)
    .add("DELETE", "/exchanges", inspect.inspectTakeExchanges)
    .add("GET", "/faults", inspect.inspectFaults)
    .add("POST", "/faults", inspect.inspectAddFault)
    .add("DELETE", "/faults", inspect.inspectClearFaults)
    .add("DELETE", "/faults/{fault_id}", inspect.inspectRemoveFault)
    .add("GET", "/settings", inspect.inspectSettings)
    .add("PATCH", "/settings", inspect.inspectUpdateSettings)
    .add("POST", "/operations/fail-next", inspect.inspectFailNext)
    .add("POST", "/clock/advance", inspect.inspectAdvanceClock)
    .add("GET", "/chain", inspect.inspectChain)
    .add("POST", "/chain/automine", inspect.inspectSetAutomine)
    .add("POST", "/chain/mine", inspect.inspectMine);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A key of another workspace: none of this workspace's CVMs exists for it; KMS routes are shared. */
async function otherWorkspace(template: string, run: () => Promise<ApiResponse>): Promise<ApiResponse> {
  if (template === "/cvms/paginated") return emptyCvmList();
  if (template.startsWith("/cvms/")) return detail(404, "CVM not found");
  return run();
}

/** The HTTP server: the Phala API under /api/v1 and the inspection API under /_emulator. */
export function createEmulatorServer(ctx: EmulatorContext): Server {
  const api = apiRouter();
  const inspection = inspectRouter();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `req_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;

    let requestBody: string | undefined;
    const makeRequest = async (params: Record<string, string>, subPath: string): Promise<ApiRequest> => {
      requestBody = await readBody(req, MAX_BODY_BYTES);
      return {
        method,
        path: subPath,
        params,
        query: url.searchParams,
        headers: req.headers,
        body: requestBody,
        requestId,
        version: headerValue(req, "x-phala-version") ?? API_VERSION_DEFAULT,
      };
    };

    const run = async (
      handler: Handler,
      params: Record<string, string>,
      subPath: string,
    ): Promise<ApiResponse> => {
      try {
        return await handler(ctx, await makeRequest(params, subPath));
      } catch (error) {
        if (error instanceof BodyTooLargeError) return detail(413, "Request body too large");
        process.stderr.write(`emulator: ${method} ${path} failed: ${(error as Error).stack ?? error}\n`);
        return detail(500, "Internal Server Error");
      }
    };

    if (path === INSPECT_PREFIX || path.startsWith(`${INSPECT_PREFIX}/`)) {
      const sub = path.slice(INSPECT_PREFIX.length) || "/";
      const match = inspection.match(method, sub);
      if (match === undefined) return send(res, detail(404, "Not Found"), requestId);
      if (match === "method-not-allowed") return send(res, detail(405, "Method Not Allowed"), requestId);
      return send(res, await run(match.handler, match.params, sub), requestId);
    }

    const sub = path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : undefined;
    const match = sub === undefined ? undefined : api.match(method, sub);
    const route =
      match && match !== "method-not-allowed" ? `${method} ${match.template}` : `${method} <unmatched>`;
    const log = (status: number | "dropped", faulted: boolean, responseBody?: unknown) =>
      ctx.log.record({
        at: ctx.clock.iso(),
        method,
        route,
        path,
        status,
        faulted,
        query: Object.fromEntries(url.searchParams),
        requestBody,
        responseBody,
      });

    const action = ctx.faults.take(route);
    if (action.kind === "apply") {
      const { fault } = action;
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.drop) {
        log("dropped", true);
        req.socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        const headers: Record<string, string> = { ...(fault.headers ?? {}) };
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
        req.resume();
        const faulted = json(fault.status, fault.body ?? defaultFaultBody(fault.status), headers);
        log(fault.status, true, faulted.body);
        return send(res, faulted, requestId);
      }
    }

    let response: ApiResponse;
    if (match === undefined || sub === undefined) {
      response = detail(404, "Not Found");
    } else if (match === "method-not-allowed") {
      response = detail(405, "Method Not Allowed");
    } else {
      const key = headerValue(req, "x-api-key");
      if (PUBLIC_ROUTES.has(route)) response = await run(match.handler, match.params, sub);
      else if (!key) response = detail(401, "Not authenticated: X-API-Key header required");
      else if (key === ctx.otherWorkspaceApiKey)
        response = await otherWorkspace(match.template, () => run(match.handler, match.params, sub));
      else if (key !== ctx.apiKey) response = detail(401, "Invalid API key");
      else response = await run(match.handler, match.params, sub);
    }
    if (response.status === 401 || response.status === 404 || response.status === 405) req.resume();
    log(response.status, action.kind === "apply", response.body);
    send(res, response, requestId);
  };

  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`emulator: unhandled ${(error as Error).stack ?? error}\n`);
      if (!res.headersSent) send(res, detail(500, "Internal Server Error"), "req_unhandled");
      else res.destroy();
    });
  });
}
