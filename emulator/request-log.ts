export type LoggedRequest = {
  at: string;
  method: string;
  /** `METHOD /template`, e.g. `PATCH /cvms/{id}/envs`; unmatched paths log as `METHOD <unmatched>`. */
  route: string;
  path: string;
  status: number | "dropped";
  faulted: boolean;
};

/** A logged request with what was exchanged: the query, the request body as sent, the response body. */
export type RecordedExchange = LoggedRequest & {
  query: Record<string, string>;
  /** The raw request body text; undefined when the emulator did not read one (e.g. before a 401). */
  requestBody?: string;
  /** The JSON response body; undefined for a dropped connection. */
  responseBody?: unknown;
};

/** Every API request (not the inspection API), with counts per route. */
export class RequestLog {
  private entries: RecordedExchange[] = [];
  /** Exchanges not yet taken; `reset()` does not clear them, so a contract check sees every one. */
  private untaken: RecordedExchange[] = [];

  record(entry: RecordedExchange): void {
    this.entries.push(entry);
    this.untaken.push(entry);
  }

  /** The requests without their bodies. */
  list(): LoggedRequest[] {
    return this.entries.map(({ at, method, route, path, status, faulted }) => ({
      at,
      method,
      route,
      path,
      status,
      faulted,
    }));
  }

  /** The exchanges (query, request body, response body) since the last take, for contract tests. */
  pendingExchanges(): readonly RecordedExchange[] {
    return this.untaken;
  }

  /** Returns the exchanges since the last take and forgets them. */
  takeExchanges(): RecordedExchange[] {
    const taken = this.untaken;
    this.untaken = [];
    return taken;
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) counts[e.route] = (counts[e.route] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.entries = [];
  }
}
