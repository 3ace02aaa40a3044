import type { IncomingMessage, ServerResponse } from "node:http";

/** What a route handler returns: a status, a JSON body and extra headers. */
export type ApiResponse = { status: number; body: unknown; headers?: Record<string, string> };

export const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse =>
  headers ? { status, body, headers } : { status, body };

/** Layout A: `{"detail": "<text>"}`. */
export const detail = (status: number, text: string, headers?: Record<string, string>): ApiResponse =>
  json(status, { detail: text }, headers);

export type ValidationIssue = {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
};

/** Layout B: FastAPI/Pydantic request validation error (HTTP 422). */
export const validationError = (issues: ValidationIssue[]): ApiResponse => json(422, { detail: issues });

export function send(res: ServerResponse, response: ApiResponse, requestId: string): void {
  const payload = response.body === undefined ? "" : JSON.stringify(response.body);
  res.statusCode = response.status;
  res.setHeader("content-type", "application/json");
  res.setHeader("x-request-id", requestId);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}

export class BodyTooLargeError extends Error {}

/** Reads the whole request body (up to `limit` bytes) as UTF-8 text. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
