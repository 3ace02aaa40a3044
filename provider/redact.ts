/**
 * The one module that keeps secrets (API key, private key, RPC credentials, env ciphertext) out of
 * text: server messages quoted in API errors, RPC failure causes, and every error at the provider
 * boundary all pass through `scrubSecrets`, so a fix here reaches each path.
 */

const REDACTED = "[redacted]";

/** Secrets shorter than this are not searched for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** Longest piece of foreign text (server message, RPC cause) quoted in a message. */
const MAX_QUOTED_LENGTH = 300;

const API_KEY_PATTERN = /phak_[A-Za-z0-9_-]+/g;
const LONG_HEX_PATTERN = /(?:0x)?[0-9a-fA-F]{129,}/g;
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;

export type Redactor = (text: string) => string;

/**
 * Removes each secret from text: as given, without its `0x`, and lower-cased (hex is printed in
 * either case), longest first so a secret never leaves a recognisable tail.
 */
function scrubSecrets(secrets: readonly (string | undefined)[]): Redactor {
  const needles = [
    ...new Set(
      secrets.flatMap((secret) => {
        if (!secret) return [];
        const bare = secret.replace(/^0x/i, "");
        return [secret, bare, secret.toLowerCase(), bare.toLowerCase()];
      }),
    ),
  ]
    .filter((needle) => needle.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  return (text) => needles.reduce((out, needle) => out.split(needle).join(REDACTED), text);
}

/** A redactor for text from the API: the known secrets, plus anything shaped like an API key or a ciphertext. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const scrub = scrubSecrets(secrets);
  return (text) => scrub(text).replace(API_KEY_PATTERN, REDACTED).replace(LONG_HEX_PATTERN, REDACTED);
}

/** One line, at most `MAX_QUOTED_LENGTH` characters (an ellipsis marks a cut). */
function oneShortLine(text: string, cutAt: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_QUOTED_LENGTH ? `${line.slice(0, cutAt)}…` : line;
}

/** Redacts and shortens one piece of server-provided text for use inside a message. */
export function serverText(redact: Redactor, text: string): string {
  return oneShortLine(redact(text), MAX_QUOTED_LENGTH);
}

/** Removes URLs and the given secrets from free text (an RPC failure) and bounds its length. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  const out = scrubSecrets(secrets)(text.replace(/\s+/g, " ").trim()).replace(URL_PATTERN, "[url]");
  return oneShortLine(out, MAX_QUOTED_LENGTH - 1);
}

/**
 * Last line of defence at the provider boundary: removes every known secret from an error's
 * message and stack before it reaches the engine. The error keeps its class.
 */
export function redactError(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  const scrub = scrubSecrets(secrets);
  if (error instanceof Error) {
    const message = scrub(error.message);
    if (message !== error.message) error.message = message;
    if (error.stack) error.stack = scrub(error.stack);
    return error;
  }
  return new Error(scrub(String(error)));
}

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

/**
 * The parts of an RPC URL that may be credentials (user info, path segments, query values), for
 * scrubbing texts that quote them without the full URL.
 */
export function rpcUrlSecrets(rpcUrl: string): string[] {
  try {
    const url = new URL(rpcUrl);
    const parts = [url.username, url.password, ...url.pathname.split("/"), ...url.searchParams.values()];
    return [
      rpcUrl,
      ...parts.map((part) => decodeURIComponent(part)).filter((part) => part.length >= MIN_SECRET_LENGTH),
    ];
  } catch {
    return [rpcUrl];
  }
}
