/** Reading a CVM: detail, compose file, operations. */
import { cvmPathSegment } from "./cvm-id";
import { parseResponse } from "./parse";
import {
  type AppCompose,
  appComposeSchema,
  type CvmDetail,
  type CvmList,
  composeFileOfDetail,
  cvmDetailSchema,
  cvmListSchema,
} from "./schemas/cvm";
import { type CvmOperation, operationsPageSchema } from "./schemas/operations";
import type { Transport } from "./transport";

export interface CvmDetailRead {
  readonly detail: CvmDetail;
  /** The app-compose document the detail carries, untouched (it decides the compose hash). */
  readonly composeFile?: AppCompose;
}

export async function getCvm(transport: Transport, cvmId: string): Promise<CvmDetailRead> {
  const response = await transport.request({
    method: "GET",
    path: `/cvms/${cvmPathSegment(cvmId)}`,
    idempotent: true,
  });
  const detail = parseResponse(cvmDetailSchema, response.body, response.route);
  const composeFile = composeFileOfDetail(response.body);
  return composeFile ? { detail, composeFile } : { detail };
}

/** The app-compose document exactly as the API returned it (its bytes decide the compose hash). */
export async function getComposeFile(transport: Transport, cvmId: string): Promise<AppCompose> {
  const response = await transport.request({
    method: "GET",
    path: `/cvms/${cvmPathSegment(cvmId)}/compose_file`,
    idempotent: true,
  });
  parseResponse(appComposeSchema, response.body, response.route);
  return response.body as AppCompose;
}

export interface ListOperationsOptions {
  /** Most recent operations to return (1–500; server default 50). */
  limit?: number;
}

/** The most recent operations of a CVM (one page). */
export async function listOperations(
  transport: Transport,
  cvmId: string,
  options: ListOperationsOptions = {},
): Promise<CvmOperation[]> {
  const response = await transport.request({
    method: "GET",
    path: `/cvms/${cvmPathSegment(cvmId)}/operations`,
    query: { limit: options.limit },
    idempotent: true,
  });
  return parseResponse(operationsPageSchema, response.body, response.route).items;
}

export interface ListCvmsOptions {
  page?: number;
  /** 1–100 (server default 30). */
  pageSize?: number;
}

/** One page of the CVMs the API key's workspace holds. */
export async function listCvms(transport: Transport, options: ListCvmsOptions = {}): Promise<CvmList> {
  const response = await transport.request({
    method: "GET",
    path: "/cvms/paginated",
    query: { page: options.page, page_size: options.pageSize },
    idempotent: true,
  });
  return parseResponse(cvmListSchema, response.body, response.route);
}
