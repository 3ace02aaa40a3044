/**
 * A module loaded on its first use instead of when the importing file loads, so that configure,
 * check, diff and importing the SDK never load viem, got or @noble. Pass the caller's own
 * `require`, so `id` resolves from the caller's file as a plain `require(id)` would:
 *
 *     const chain = lazyModule<typeof import("../chain")>(require, "../chain");
 */
export function lazyModule<M>(load: NodeJS.Require, id: string): () => M {
  let loaded: M | undefined;
  return () => {
    loaded ??= load(id) as M;
    return loaded;
  };
}
