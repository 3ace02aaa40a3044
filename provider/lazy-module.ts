/** A value made on its first use and kept from then on. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * A module loaded on its first use instead of when the importing file loads, so that configure,
 * check, diff and importing the SDK never load viem, got or @noble. Pass the caller's own
 * `require`, so `id` resolves from the caller's file as a plain `require(id)` would:
 *
 *     const chain = lazyModule<typeof import("../chain")>(require, "../chain");
 */
export function lazyModule<M>(load: NodeJS.Require, id: string): () => M {
  return lazy(() => load(id) as M);
}
