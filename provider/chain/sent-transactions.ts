/**
 * What this process sent, per signer key (`signerLockKey`) and nonce: the same calldata is sent once
 * per process, our own pending transactions are known even when the node hides its pool, and a nonce
 * is never signed twice. Read and written under the signer lock, except `forgetDropped`.
 */
export interface SentTransaction {
  readonly hash: `0x${string}`;
  readonly to: string;
  readonly data: string;
}

const sentByNonce = new Map<string, Map<number, SentTransaction>>();

export const sentWithCalldata = (key: string, to: string, data: string): SentTransaction | undefined =>
  [...(sentByNonce.get(key)?.values() ?? [])].find((tx) => tx.to === to && tx.data === data);

export const sentNonce = (key: string, nonce: number): boolean => sentByNonce.get(key)?.has(nonce) ?? false;

/**
 * The nonce to sign with: the node's pending count, stepped past nonces this process already used (a
 * load-balanced RPC can answer from a backend that has not seen our last transaction yet). A nonce
 * whose transaction was dropped is free again, so the next send fills that gap.
 */
export function nextNonce(key: string, pendingNonce: number): number {
  let nonce = pendingNonce;
  while (sentNonce(key, nonce)) nonce++;
  return nonce;
}

export function recordSent(key: string, nonce: number, tx: SentTransaction): void {
  const sent = sentByNonce.get(key) ?? new Map<number, SentTransaction>();
  sentByNonce.set(key, sent.set(nonce, tx));
}

/**
 * A transaction the node no longer knows (dropped from its pool, or lost on the way) frees its nonce,
 * so later transactions of the signer do not queue behind a gap forever.
 */
export function forgetDropped(hash: string): void {
  for (const sent of sentByNonce.values()) {
    for (const [nonce, tx] of sent) if (tx.hash === hash) sent.delete(nonce);
  }
}
