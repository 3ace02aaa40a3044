import { BaseError } from "viem";

/**
 * `scheme://host[:port]` of an RPC URL: never user info, path or query, where providers put API keys.
 * Safe to show in messages.
 */
export function redactRpcUrl(rpcUrl: string): string {
  try {
    const url = new URL(rpcUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return "<invalid RPC URL>";
  }
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
const MAX_CAUSE_LENGTH = 300;

/**
 * A short, single-line description of a failure (viem or other) for our error messages. viem errors
 * carry the RPC URL and request bodies in their message; only `shortMessage` and the innermost
 * `details` are kept, every URL is replaced, and each secret (with or without 0x) is removed.
 */
export function describeCause(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  let text: string;
  if (error instanceof BaseError) {
    const inner = error.walk();
    const details = inner instanceof BaseError ? inner.details : inner.message;
    text =
      details && !error.shortMessage.includes(details)
        ? `${error.shortMessage} ${details}`
        : error.shortMessage;
  } else if (error instanceof Error) {
    text = error.message;
  } else {
    text = String(error);
  }
  return redactText(text, secrets);
}

/** Removes URLs and the given secrets from free text and bounds its length. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/\s+/g, " ").trim();
  for (const secret of secrets) {
    if (!secret) continue;
    const bare = secret.replace(/^0x/i, "");
    for (const variant of [secret, bare]) {
      if (variant.length >= 8) out = out.split(variant).join("[redacted]");
      if (variant.length >= 8) out = out.split(variant.toLowerCase()).join("[redacted]");
    }
  }
  out = out.replace(URL_PATTERN, "[url]");
  return out.length > MAX_CAUSE_LENGTH ? `${out.slice(0, MAX_CAUSE_LENGTH - 1)}…` : out;
}

/**
 * The parts of an RPC URL that may be credentials (user info, path segments, query values), for
 * scrubbing texts that quote them without the full URL.
 */
export function rpcUrlSecrets(rpcUrl: string): string[] {
  try {
    const url = new URL(rpcUrl);
    const parts = [url.username, url.password, ...url.pathname.split("/"), ...url.searchParams.values()];
    return [rpcUrl, ...parts.map((part) => decodeURIComponent(part)).filter((part) => part.length >= 8)];
  } catch {
    return [rpcUrl];
  }
}
