import type { Clock } from "./clock";
import { sameKeySet } from "./cvm";

/** A compose hash handed out by a 465, waiting for phase 2. */
export type PendingHash = {
  cvmId: string;
  composeHash: string;
  envKeys: string[];
  createdAt: number;
  superseded: boolean;
};

export type PendingLookup =
  | { ok: true; pending: PendingHash }
  | { ok: false; reason: "unknown" | "expired" | "superseded" | "env-keys-mismatch" };

/** Phase-1 results per CVM, with a TTL; a newer phase 1 for the same CVM supersedes older hashes. */
export class PendingHashes {
  private readonly entries: PendingHash[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: () => number,
  ) {}

  remember(cvmId: string, composeHash: string, envKeys: string[]): PendingHash {
    for (const entry of this.entries) {
      if (entry.cvmId === cvmId && entry.composeHash !== composeHash) entry.superseded = true;
    }
    const existing = this.entries.find((e) => e.cvmId === cvmId && e.composeHash === composeHash);
    if (existing) {
      existing.createdAt = this.clock.now();
      existing.envKeys = envKeys;
      existing.superseded = false;
      return existing;
    }
    const entry: PendingHash = {
      cvmId,
      composeHash,
      envKeys,
      createdAt: this.clock.now(),
      superseded: false,
    };
    this.entries.push(entry);
    return entry;
  }

  lookup(cvmId: string, composeHash: string, envKeys: readonly string[]): PendingLookup {
    const hash = normalizeHash(composeHash);
    const entry = this.entries.find((e) => e.cvmId === cvmId && e.composeHash === hash);
    if (!entry) return { ok: false, reason: "unknown" };
    if (this.clock.now() - entry.createdAt > this.ttlMs()) return { ok: false, reason: "expired" };
    if (entry.superseded) return { ok: false, reason: "superseded" };
    if (!sameKeySet(entry.envKeys, envKeys)) return { ok: false, reason: "env-keys-mismatch" };
    return { ok: true, pending: entry };
  }

  consume(entry: PendingHash): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
  }

  list(): readonly PendingHash[] {
    return this.entries;
  }
}

/** Compose hashes are compared as 64 lowercase hex without `0x`. */
export function normalizeHash(hash: string): string {
  return hash.trim().replace(/^0x/i, "").toLowerCase();
}
