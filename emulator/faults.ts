/**
 * A fault for the next `times` matching API calls, after `skip` matching calls have gone by
 * (for testing retries, Retry-After and dropped connections).
 */
export type FaultSpec = {
  /** Route key, `METHOD /template` (e.g. `PATCH /cvms/{id}/envs`), or `*` for every API route. */
  route: string;
  /** How many matching calls it affects (default 1); `null` = until cleared. */
  times?: number | null;
  /**
   * Let this many matching calls go by first (default 0), then apply. Every matching call counts,
   * whether it ran normally or another fault answered it: `skip: 1` targets the second matching
   * call from now (e.g. phase 2 of `PATCH /cvms/{id}/envs`).
   */
  skip?: number;
  /** Answer with this status instead of running the handler. */
  status?: number;
  /** Body for `status` (default: `{"detail": "..."}`). */
  body?: unknown;
  /** `Retry-After` header value (seconds or HTTP date) on the injected response. */
  retryAfter?: number | string;
  /** Extra headers on the injected response. */
  headers?: Record<string, string>;
  /** Wait this long before answering (with the fault or with the real handler). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
};

export type ActiveFault = FaultSpec & {
  id: number;
  remaining: number | null;
  hits: number;
  /** Matching calls still to go by before the fault applies. */
  skipRemaining: number;
};

export type FaultAction = { kind: "none" } | { kind: "apply"; fault: ActiveFault };

const DEFAULT_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Not authenticated",
  403: "Forbidden",
  404: "Not Found",
  409: "Another operation is already in progress for this CVM",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function defaultFaultBody(status: number): unknown {
  return { detail: DEFAULT_TEXT[status] ?? `Injected fault (HTTP ${status})` };
}

export class FaultRegistry {
  private readonly faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    if (!spec.route) throw new TypeError("fault needs a route ('METHOD /template' or '*')");
    if (spec.status === undefined && !spec.drop && spec.delayMs === undefined) {
      throw new TypeError("fault needs status, drop or delayMs");
    }
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 999)
    ) {
      throw new TypeError("fault status must be an HTTP status code");
    }
    const times = spec.times === undefined ? 1 : spec.times;
    if (times !== null && (!Number.isInteger(times) || times < 1)) {
      throw new TypeError("fault times must be a positive integer or null");
    }
    const skip = spec.skip === undefined ? 0 : spec.skip;
    if (!Number.isInteger(skip) || skip < 0) {
      throw new TypeError("fault skip must be a non-negative integer");
    }
    const fault: ActiveFault = {
      ...spec,
      id: this.nextId++,
      remaining: times,
      hits: 0,
      skipRemaining: skip,
    };
    this.faults.push(fault);
    return fault;
  }

  /**
   * Consumes one use of the first fault matching `routeKey` that has no calls left to skip; every
   * other matching fault still skipping counts this call.
   */
  take(routeKey: string): FaultAction {
    const matching = this.faults.filter(
      (f) => (f.route === "*" || f.route === routeKey) && (f.remaining === null || f.remaining > 0),
    );
    const fault = matching.find((f) => f.skipRemaining === 0);
    for (const f of matching) if (f.skipRemaining > 0) f.skipRemaining--;
    if (!fault) return { kind: "none" };
    fault.hits++;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    }
    return { kind: "apply", fault };
  }

  list(): readonly ActiveFault[] {
    return this.faults;
  }

  remove(id: number): boolean {
    const index = this.faults.findIndex((f) => f.id === id);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
  }
}
