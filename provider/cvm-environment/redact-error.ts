/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * Last line of defence at the provider boundary: removes every known secret (with or without 0x)
 * from an error's message and stack before it reaches the engine. The error keeps its class.
 */
export function redactError(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  const needles = secrets
    .flatMap((secret) => (secret ? [secret, secret.replace(/^0x/i, "")] : []))
    .filter((needle) => needle.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string) => needles.reduce((out, needle) => out.split(needle).join("[redacted]"), text);
  if (error instanceof Error) {
    const message = scrub(error.message);
    if (message !== error.message) error.message = message;
    if (error.stack) error.stack = scrub(error.stack);
    return error;
  }
  return new Error(scrub(String(error)));
}
