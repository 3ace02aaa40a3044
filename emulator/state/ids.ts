import { createHash, randomBytes, randomUUID } from "node:crypto";

/** Hashed public id as in API 2026-05-22 (`cvm_…`, `kms_…`): prefix + 16 chars of base32-ish text. */
export function hashedId(prefix: string, seed: string): string {
  const digest = createHash("sha256").update(`${prefix}:${seed}`).digest("hex");
  return `${prefix}_${digest.slice(0, 20)}`;
}

export function newUuid(): string {
  return randomUUID();
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export function deterministicHex(bytes: number, seed: string): string {
  let out = "";
  let counter = 0;
  while (out.length < bytes * 2) {
    out += createHash("sha256").update(`${seed}:${counter++}`).digest("hex");
  }
  return out.slice(0, bytes * 2);
}

/** A UUID v4 shaped string derived from `seed`. */
export function deterministicUuid(seed: string): string {
  const h = deterministicHex(16, seed).split("");
  h[12] = "4";
  h[16] = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
