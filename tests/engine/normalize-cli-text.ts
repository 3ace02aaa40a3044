import type { Emulator } from "../../emulator";

/**
 * The CLI's text with what differs between runs replaced by placeholders: the emulator's CVM and
 * app ids, URNs, addresses, hashes, durations and temporary paths. Everything else stays as printed.
 */
export function normalizeCliText(text: string, emulator: Emulator): string {
  let out = text;
  for (const cvm of emulator.cvms) {
    out = out.replaceAll(cvm.id, `<cvm:${cvm.name}>`);
  }
  return out
    .replace(/\b0x[0-9a-fA-F]{64}\b/g, "<hash>")
    .replace(/\b[0-9a-f]{64}\b/g, "<hash>")
    .replace(/\b0x[0-9a-fA-F]{40}\b/g, "<address>")
    .replace(/\[urn=[^\]]+\]/g, "[urn=<urn>]")
    .replace(/Duration: .*/g, "Duration: <duration>")
    .replace(/\/tmp\/[^\s'"]+/g, "<tmp>")
    .replace(/[ \t]+$/gm, "");
}
