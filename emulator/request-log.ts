export type LoggedRequest = {
  at: string;
  method: string;
  /** `METHOD /template`, e.g. `PATCH /cvms/{id}/envs`; unmatched paths log as `METHOD <unmatched>`. */
  route: string;
  path: string;
  status: number | "dropped";
  faulted: boolean;
};

/** Every API request (not the inspection API), with counts per route. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  list(): readonly LoggedRequest[] {
    return this.entries;
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
