import { BaseError } from "viem";
import { redactText } from "../redact";

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
