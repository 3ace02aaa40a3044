import got, { type Method } from "got";
import { type HttpTransport, http } from "viem";

/**
 * viem's HTTP transport for a JSON-RPC URL, with its requests sent through got (node:http) instead
 * of the global `fetch`. Node's `fetch` parses responses with undici's WebAssembly build of llhttp;
 * after a handful of responses V8 recompiles that module with its optimising compiler on a background
 * thread, which allocates about 30 MB there that the process keeps as resident memory (measured:
 * peak RSS of the dynamic-provider host over 20 on-chain key-set changes, 219 → 191 MiB).
 * node:http's parser is native and costs nothing of the kind.
 *
 * The exchange is the one `fetch` makes: redirects followed the way `fetch` follows them (up to 20,
 * POST turned into GET on 301/302/303), compressed answers decompressed, no retries (viem retries),
 * any status returned as a response, an abort of viem's timeout signal rejected with the signal's
 * reason, and a failure without a response rejected as `TypeError("fetch failed")`, with only the
 * error's code and message kept as its cause (got's error carries the request headers). One
 * difference: the answer is read whole before it is handed over, so viem's timeout (10 s) covers
 * the body too, where with fetch it stops at the headers.
 */
export function rpcTransport(rpcUrl: string): HttpTransport {
  return http(rpcUrl, { fetchFn: fetchThroughNodeHttp });
}

/** Statuses whose response has no body (a `Response` refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export async function fetchThroughNodeHttp(
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  if (input instanceof Request) throw new TypeError("fetchThroughNodeHttp takes a URL, not a Request");
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  let response: Awaited<ReturnType<typeof send>>;
  try {
    response = await send(input, init, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    throw new TypeError("fetch failed", {
      cause: Object.assign(new Error(message), typeof code === "string" ? { code } : {}),
    });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const one of Array.isArray(value) ? value : [value])
      if (one !== undefined) headers.append(name, one);
  }
  return new Response(NULL_BODY_STATUSES.has(response.statusCode) ? null : response.body, {
    status: response.statusCode,
    statusText: response.statusMessage ?? "",
    headers,
  });
}

function send(url: string | URL, init: RequestInit, signal: AbortSignal | undefined) {
  if (init.body !== undefined && init.body !== null && typeof init.body !== "string") {
    throw new TypeError("fetchThroughNodeHttp sends string bodies only");
  }
  return got(url, {
    method: (init.method ?? "GET") as Method,
    // What fetch sends when the caller sets none (viem sets Content-Type itself).
    headers: { "user-agent": "node", ...Object.fromEntries(new Headers(init.headers).entries()) },
    ...(init.body ? { body: init.body } : {}),
    ...(signal ? { signal } : {}),
    responseType: "buffer",
    throwHttpErrors: false,
    retry: { limit: 0 },
    followRedirect: true,
    methodRewriting: true,
    maxRedirects: 20,
  });
}
