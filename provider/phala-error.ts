/**
 * The root of every error this package raises, and its one naming convention: `name` is the class
 * name, so it heads the stack (`NotFoundError: …`). It is set on each instance as a
 * non-enumerable property, so `JSON.stringify(error)` and `{ ...error }` show only the fields the
 * class declares.
 */
export class PhalaError extends Error {
  constructor(message: string) {
    super(message);
    nameAfterClass(this, new.target);
  }
}

/**
 * Gives `error` the name of the class it was constructed as. `PhalaError` calls it; an error that
 * must extend another built-in (`InvalidArgumentError` is a `TypeError`) calls it from its own constructor.
 */
export function nameAfterClass(error: Error, constructed: abstract new (...args: never[]) => Error): void {
  Object.defineProperty(error, "name", { value: constructed.name, writable: true, configurable: true });
}
