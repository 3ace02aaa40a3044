import { hexDigits } from "../normalize";
import { PhalaError } from "../phala-error";

/** The order n of secp256k1's group: a private key k is valid when 1 ≤ k < n. */
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Fixed texts: a problem with a key never repeats the key, in any base. */
export const PRIVATE_KEY_PROBLEMS = {
  format: "must be a 32-byte hex private key (64 hex digits, optionally 0x-prefixed)",
  range: "is not a valid secp256k1 private key (it must be between 1 and the curve order)",
} as const;

/** Why a string is not a usable signer key, or `undefined`; surrounding whitespace is ignored. */
export function privateKeyProblem(value: string): string | undefined {
  const digits = hexDigits(value, 32);
  if (digits === undefined) return PRIVATE_KEY_PROBLEMS.format;
  const k = BigInt(`0x${digits}`);
  return k >= 1n && k < SECP256K1_ORDER ? undefined : PRIVATE_KEY_PROBLEMS.range;
}

/** The key in viem's form (`0x` + 64 hex), or a fixed-text error naming where it came from. */
export function normalizePrivateKey(value: string, source: string): `0x${string}` {
  const problem = privateKeyProblem(value);
  if (problem !== undefined) throw new InvalidPrivateKeyError(source, problem);
  const hex = value.trim();
  return (hex.startsWith("0x") ? hex : `0x${hex}`) as `0x${string}`;
}

export class InvalidPrivateKeyError extends PhalaError {
  constructor(source: string, problem: string) {
    super(`${source} ${problem}`);
  }
}
