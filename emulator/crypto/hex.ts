/** Hex helpers of the emulator (it shares no code with the provider). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes of a hex string with an optional `0x`; throws a TypeError naming `what` on bad input. */
export function fromHex(hex: string, what = "value"): Uint8Array {
  const body = hex.replace(/^0x/i, "");
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError(`${what} must be hex`);
  return new Uint8Array(Buffer.from(body, "hex"));
}
