import { z } from "zod";
import { json, validationError } from "../http/respond";
import { zodIssuesToValidation } from "../http/validation";
import { operationView } from "../state/operations";
import { API_VERSION_LEGACY, cvmDetailV20251028, cvmDetailV20260121 } from "../views/cvm-detail";
import { isResponse, resolveCvm } from "./resolve-cvm";
import type { Handler } from "./types";

/** `GET /cvms/{id}`: 2026-01-21 shape, or 2025-10-28 when that version is requested. */
export const getCvm: Handler = (ctx, req) => {
  const cvm = resolveCvm(ctx, req.params.id);
  if (isResponse(cvm)) return cvm;
  const body =
    req.version === API_VERSION_LEGACY
      ? cvmDetailV20251028(cvm, ctx.view)
      : cvmDetailV20260121(cvm, ctx.view);
  return json(200, body);
};

const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(30),
});

/** `GET /cvms/paginated`: the workspace's CVMs, each in the 2026-01-21 shape (which names its workspace). */
export const listCvms: Handler = (ctx, req) => {
  const raw = Object.fromEntries(req.query);
  const parsed = ListQuery.safeParse(raw);
  if (!parsed.success) return validationError(zodIssuesToValidation("query", parsed.error, raw));
  const { page, page_size } = parsed.data;
  const all = ctx.store.all();
  const items = all
    .slice((page - 1) * page_size, page * page_size)
    .map((c) => cvmDetailV20260121(c, ctx.view));
  return json(200, { items, total: all.length, page, page_size, pages: Math.ceil(all.length / page_size) });
};

/** The same listing for a key of another, empty workspace. */
export const emptyCvmList = (): ReturnType<typeof json> =>
  json(200, { items: [], total: 0, page: 1, page_size: 30, pages: 0 });

/** `GET /cvms/{id}/compose_file`: the app-compose, including `allowed_envs`. */
export const getComposeFile: Handler = (ctx, req) => {
  const cvm = resolveCvm(ctx, req.params.id);
  if (isResponse(cvm)) return cvm;
  return json(200, cvm.appCompose);
};

const OperationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d+$/, "cursor is not valid")
    .optional()
    .transform((c) => (c === undefined ? 0 : Number(c))),
});

/** `GET /cvms/{id}/operations`: newest first, cursor paging. */
export const getOperations: Handler = (ctx, req) => {
  const raw = Object.fromEntries(req.query);
  const parsed = OperationsQuery.safeParse(raw);
  if (!parsed.success) return validationError(zodIssuesToValidation("query", parsed.error, raw));
  const cvm = resolveCvm(ctx, req.params.id);
  if (isResponse(cvm)) return cvm;
  const { limit, cursor } = parsed.data;
  const items = cvm.operations.slice(cursor, cursor + limit).map(operationView);
  const next = cursor + limit < cvm.operations.length ? String(cursor + limit) : null;
  return json(200, { items, next_cursor: next, total: cvm.operations.length });
};
