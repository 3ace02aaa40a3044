import { strip0x } from "../normalize";

/** Lowercase hex of `bytes`, without a `0x` prefix. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/**
 * Bytes of a hex string (an optional `0x` prefix is accepted). `what` names the value in the
 * error, which never repeats the input itself.
 */
export function hexToBytes(hex: string, what = "value"): Uint8Array {
  const body = strip0x(hex);
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new TypeError(`${what} must be hex (an even number of 0-9a-f digits, optional 0x prefix)`);
  }
  return new Uint8Array(Buffer.from(body, "hex"));
}
