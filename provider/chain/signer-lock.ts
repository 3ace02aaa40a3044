/**
 * Per-key serialisation through a promise chain: `withSignerLock(key, fn)` runs `fn` after every
 * earlier call with the same key has settled. Used per (RPC URL, chain id, signer address) so that
 * concurrent resources of one process never prepare two transactions with the same nonce.
 */
const tails = new Map<string, Promise<void>>();

export function signerLockKey(rpcUrl: string, chainId: number, address: string): string {
  return `${chainId}|${address.toLowerCase()}|${rpcUrl}`;
}

export async function withSignerLock<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release: () => void = () => {};
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  try {
    return await run();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
