/**
 * Scrubbing of text that came from the server before it is placed in an error message.
 *
 * Server messages are useful ("CVM not found"), but a server (or a proxy in front of it) may echo
 * parts of the request. The client knows which strings are secret (the API key, the encrypted env
 * of the request in flight) and removes them; generic patterns catch API-key-like tokens and long
 * hex blobs (ciphertext) that the client was not told about.
 */

const REDACTED = "[redacted]";
const MAX_SERVER_TEXT = 300;

/** Secrets shorter than this are not searched for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

const API_KEY_PATTERN = /phak_[A-Za-z0-9_-]+/g;
const LONG_HEX_PATTERN = /(?:0x)?[0-9a-fA-F]{129,}/g;

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const needle of needles) {
      out = out.split(needle).join(REDACTED);
    }
    return out.replace(API_KEY_PATTERN, REDACTED).replace(LONG_HEX_PATTERN, REDACTED);
  };
}

/** Redacts and shortens one piece of server-provided text for use inside a message. */
export function serverText(redact: Redactor, text: string): string {
  const clean = redact(text).replace(/\s+/g, " ").trim();
  return clean.length > MAX_SERVER_TEXT ? `${clean.slice(0, MAX_SERVER_TEXT)}…` : clean;
}
