import { sameHex } from "../normalize";
import type { ChainContext } from "./rpc-call";
import { rpcCall } from "./rpc-call";

/** What the node says about the signer's transactions that are not mined yet. */
type PendingLookup =
  /** Nothing pending: the latest and pending nonces agree. */
  | { kind: "none" }
  /** A pending transaction of the signer to `to` with exactly `data`. */
  | { kind: "found"; transactionHash: `0x${string}`; nonce: number }
  /** Pending transactions exist and were inspected; none matches. */
  | { kind: "other"; count: number }
  /** Pending transactions exist but the node does not show them (no pending block contents, no txpool). */
  | { kind: "hidden"; count: number; latestNonce: number };

interface PendingQuery {
  signer: `0x${string}`;
  to: `0x${string}`;
  data: `0x${string}`;
}

interface PoolTransaction {
  hash?: string;
  from?: string;
  to?: string | null;
  input?: string;
  nonce?: string | number | bigint;
}

/**
 * Looks for a pending transaction of `signer` to `to` with calldata `data`: first compares the pending
 * and latest nonces (nothing pending → no further call), then looks at the pending block's
 * transactions and at the node's txpool (`txpool_contentFrom`, then `txpool_content`).
 */
export async function findPendingTransaction(
  context: ChainContext,
  query: PendingQuery,
): Promise<PendingLookup> {
  const [latestNonce, pendingNonce] = await rpcCall(context, "reading the signer's nonces", () =>
    Promise.all([
      context.client.getTransactionCount({ address: query.signer, blockTag: "latest" }),
      context.client.getTransactionCount({ address: query.signer, blockTag: "pending" }),
    ]),
  );
  if (pendingNonce <= latestNonce) return { kind: "none" };
  const count = pendingNonce - latestNonce;

  const pendingBlock = await context.client
    .getBlock({ blockTag: "pending", includeTransactions: true })
    .then((block) => block.transactions as PoolTransaction[])
    .catch(() => [] as PoolTransaction[]);
  const pool = await txpoolOf(context, query.signer);
  for (const tx of [...pendingBlock, ...(pool ?? [])]) {
    if (matches(tx, query) && tx.hash) {
      return { kind: "found", transactionHash: tx.hash as `0x${string}`, nonce: Number(tx.nonce ?? -1) };
    }
  }
  return pool === undefined ? { kind: "hidden", count, latestNonce } : { kind: "other", count };
}

function matches(tx: PoolTransaction, query: PendingQuery): boolean {
  return sameHex(tx.from, query.signer) && sameHex(tx.to, query.to) && sameHex(tx.input, query.data);
}

type PoolSection = Record<string, Record<string, PoolTransaction>>;

/** The signer's pooled (pending and queued) transactions, or undefined when the node has no txpool API. */
async function txpoolOf(
  context: ChainContext,
  signer: `0x${string}`,
): Promise<PoolTransaction[] | undefined> {
  const request = context.client.request as (args: {
    method: string;
    params?: unknown[];
  }) => Promise<unknown>;
  const sections = (value: unknown): PoolTransaction[] => {
    const body = (value ?? {}) as { pending?: unknown; queued?: unknown };
    return [body.pending, body.queued].flatMap((section) =>
      Object.values((section ?? {}) as Record<string, PoolTransaction>),
    );
  };
  try {
    return sections(await request({ method: "txpool_contentFrom", params: [signer] }));
  } catch {
    // Not every node has txpool_contentFrom (geth does); try the whole pool.
  }
  try {
    const content = (await request({ method: "txpool_content" })) as {
      pending?: PoolSection;
      queued?: PoolSection;
    };
    const own = (section: PoolSection | undefined) =>
      Object.entries(section ?? {})
        .filter(([address]) => sameHex(address, signer))
        .map(([, byNonce]) => byNonce);
    return sections({
      pending: Object.assign({}, ...own(content.pending)),
      queued: Object.assign({}, ...own(content.queued)),
    });
  } catch {
    return undefined;
  }
}
