import type { CvmRecord } from "./cvm";

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export type ResolveResult =
  | { cvm: CvmRecord }
  | { error: "not-found" }
  | { error: "ambiguous"; count: number };

/** All CVMs, resolvable by every identifier form the API accepts. */
export class CvmStore {
  private readonly cvms: CvmRecord[] = [];

  add(cvm: CvmRecord): void {
    this.cvms.push(cvm);
  }

  all(): readonly CvmRecord[] {
    return this.cvms;
  }

  /** The CVM is deleted: no identifier resolves to it any more. */
  remove(cvm: CvmRecord): void {
    const index = this.cvms.indexOf(cvm);
    if (index >= 0) this.cvms.splice(index, 1);
  }

  nextLegacyId(): number {
    return 10_000 + this.cvms.length + 1;
  }

  /**
   * Resolves `cvm_…`, a vm_uuid with or without dashes, `app_<40hex>`, bare 40 hex, `0x<40hex>`,
   * `instance_…` (or any instance id), the legacy integer id, or the CVM name.
   */
  resolve(identifier: string): ResolveResult {
    const raw = identifier.trim();
    const lower = raw.toLowerCase();
    let matches: CvmRecord[] = [];
    if (lower.startsWith("cvm_")) {
      matches = this.cvms.filter((c) => c.id === raw);
    } else if (UUID.test(raw) && !/^[0-9a-f]{40}$/i.test(raw)) {
      const bare = lower.replace(/-/g, "");
      matches = this.cvms.filter((c) => c.vmUuid.replace(/-/g, "") === bare);
    } else if (/^(app_|0x)?[0-9a-f]{40}$/i.test(raw)) {
      const appId = lower.replace(/^(app_|0x)/, "");
      matches = this.cvms.filter((c) => c.appId === appId);
    } else if (/^\d+$/.test(raw)) {
      matches = this.cvms.filter((c) => String(c.legacyId) === raw);
    } else {
      matches = this.cvms.filter((c) => c.instanceId === raw);
      if (matches.length === 0) matches = this.cvms.filter((c) => c.name === raw);
    }
    if (matches.length === 0) return { error: "not-found" };
    if (matches.length > 1) return { error: "ambiguous", count: matches.length };
    return { cvm: matches[0] as CvmRecord };
  }
}
