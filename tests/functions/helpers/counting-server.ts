import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface CannedResponse {
  status: number;
  body: unknown;
}

/** Answers a request; `undefined` means 404 `{"detail":"Not found"}`. */
export type Responder = (request: RecordedRequest) => CannedResponse | undefined;

export interface CountingServer {
  /** API prefix of the server, `http://127.0.0.1:<port>/api/v1`. */
  apiUrl: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** A local HTTP server that records every request and answers with canned JSON. */
export async function startCountingServer(): Promise<CountingServer> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = () => undefined;
  const server: Server = createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
    requests.push(recorded);
    req.resume();
    req.on("end", () => {
      const answer = responder(recorded) ?? { status: 404, body: { detail: "Not found" } };
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
