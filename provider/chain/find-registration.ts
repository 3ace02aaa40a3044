import { sameHex } from "../normalize";
import { composeHashAddedEvent, composeHashPolicy, dstackAppAbi } from "./abi";
import { isComposeHashAddedLog } from "./compose-hash-log";
import { describeCause } from "./describe-cause";
import { ChainRpcError } from "./errors";
import { hasCode } from "./read-app-state";
import { type ChainContext, rpcCall } from "./rpc-call";

const DEFAULT_LOG_WINDOW_BLOCKS = 10_000;
export const DEFAULT_LOG_SEARCH_BLOCKS = 1_000_000;
const MIN_LOG_WINDOW_BLOCKS = 100;

const policyChangedEvent = dstackAppAbi[7];

interface FindRegistrationParams {
  contract: `0x${string}`;
  composeHash: `0x${string}`;
  /** `owner()` of the app: a transaction it executed (a Safe, a DAO contract) qualifies too. */
  owner: `0x${string}`;
  /** Blocks per `eth_getLogs` call; halved down to 100 when the RPC rejects a range. */
  windowBlocks?: number;
  /** How far back from the latest block to search in total. */
  maxBlocks?: number;
  onProgress?: ((message: string) => void) | undefined;
}

interface Registration {
  transactionHash: `0x${string}`;
  blockNumber: bigint;
}

/** A transaction that added the hash but that the API would not accept as proof, and why. */
interface RejectedRegistration {
  transactionHash: `0x${string}`;
  reason: string;
}

export interface FindRegistrationResult {
  /** The latest qualifying registration, if any was found. */
  registration: Registration | undefined;
  /** Newer transactions that added the hash but do not qualify (e.g. the DstackKms factory transaction). */
  rejected: RejectedRegistration[];
  /** The searched block range (inclusive). */
  fromBlock: bigint;
  toBlock: bigint;
}

/**
 * Finds the latest transaction that registered `composeHash` on `contract` in a way the API accepts
 * as phase-2 proof: a successful receipt with a `ComposeHashAdded(composeHash)` log of the app, sent to
 * the app contract or executed by the app's owner contract. The factory transaction that created the
 * app (`DstackKms.deployAndRegisterApp`, sent to DstackKms) never qualifies.
 *
 * Searches backwards from the latest block in bounded windows (public RPCs reject large ranges; a
 * rejected range is halved down to 100 blocks), first for the indexed
 * `PolicyChanged(actor, keccak256("compose-hash"), composeHash, true)` that DstackApp version 2 emits,
 * which the node filters by value; only when the range holds no such event at all (an app contract
 * without it) for the non-indexed `ComposeHashAdded`, matched by data.
 */
export async function findRegistration(
  context: ChainContext,
  params: FindRegistrationParams,
): Promise<FindRegistrationResult> {
  const latest = await rpcCall(context, "reading the latest block number", () =>
    context.client.getBlockNumber(),
  );
  const maxBlocks = BigInt(Math.max(1, params.maxBlocks ?? DEFAULT_LOG_SEARCH_BLOCKS));
  const lowest = latest + 1n > maxBlocks ? latest + 1n - maxBlocks : 0n;
  const window = BigInt(Math.max(MIN_LOG_WINDOW_BLOCKS, params.windowBlocks ?? DEFAULT_LOG_WINDOW_BLOCKS));
  const rejected: RejectedRegistration[] = [];
  const seen = new Set<string>();
  let ownerIsContract: Promise<boolean> | undefined;
  const qualify = async (transactionHash: `0x${string}`): Promise<Registration | undefined> => {
    if (seen.has(transactionHash)) return undefined;
    seen.add(transactionHash);
    const receipt = await rpcCall(context, `reading the receipt of ${transactionHash}`, () =>
      context.client.getTransactionReceipt({ hash: transactionHash }),
    );
    const reason = (() => {
      if (receipt.status !== "success") return "it reverted";
      if (!receipt.logs.some((log) => isComposeHashAddedLog(log, params.contract, params.composeHash)))
        return "it has no ComposeHashAdded log of the app";
      return undefined;
    })();
    if (reason === undefined) {
      if (sameHex(receipt.to, params.contract)) return { transactionHash, blockNumber: receipt.blockNumber };
      if (sameHex(receipt.to, params.owner)) {
        ownerIsContract ??= hasCode(context, params.owner);
        if (await ownerIsContract) return { transactionHash, blockNumber: receipt.blockNumber };
      }
    }
    rejected.push({
      transactionHash,
      reason:
        reason ??
        `it was sent to ${receipt.to ?? "(contract creation)"}, not to the app contract or its owner contract ` +
          "(the DstackKms factory transaction that created the app is of this kind)",
    });
    return undefined;
  };

  const range = { from: lowest, to: latest, window };
  params.onProgress?.(
    `Searching the registration of ${params.composeHash} on ${params.contract} from block ${latest} back to ${lowest}`,
  );
  let sawPolicyEvent = false;
  for await (const logs of scan(context, range, "PolicyChanged", (fromBlock, toBlock) =>
    context.client.getLogs({
      address: params.contract,
      event: policyChangedEvent,
      args: { policy: composeHashPolicy, value: params.composeHash },
      fromBlock,
      toBlock,
    }),
  )) {
    for (const log of logs) {
      sawPolicyEvent = true;
      if (log.args.enabled !== true || !log.transactionHash) continue;
      const found = await qualify(log.transactionHash);
      if (found) return { registration: found, rejected, fromBlock: lowest, toBlock: latest };
    }
  }
  if (!sawPolicyEvent) {
    for await (const logs of scan(context, range, "ComposeHashAdded", (fromBlock, toBlock) =>
      context.client.getLogs({ address: params.contract, event: composeHashAddedEvent, fromBlock, toBlock }),
    )) {
      for (const log of logs) {
        if (!log.transactionHash || !isComposeHashAddedLog(log, params.contract, params.composeHash))
          continue;
        const found = await qualify(log.transactionHash);
        if (found) return { registration: found, rejected, fromBlock: lowest, toBlock: latest };
      }
    }
  }
  return { registration: undefined, rejected, fromBlock: lowest, toBlock: latest };
}

interface OrderedLog {
  blockNumber: bigint | null;
  logIndex: number | null;
  removed?: boolean;
}

/**
 * Yields the logs of each window from the newest to the oldest, newest log first. A window the RPC
 * rejects is halved (down to 100 blocks) and retried; below that the failure is reported.
 */
async function* scan<T extends OrderedLog>(
  context: ChainContext,
  range: { from: bigint; to: bigint; window: bigint },
  eventName: string,
  getLogs: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let window = range.window;
  let to = range.to;
  while (to >= range.from) {
    const start = to + 1n - window;
    const from = start > range.from ? start : range.from;
    let logs: T[];
    try {
      logs = await getLogs(from, to);
    } catch (error) {
      if (window > BigInt(MIN_LOG_WINDOW_BLOCKS)) {
        window = window / 2n > BigInt(MIN_LOG_WINDOW_BLOCKS) ? window / 2n : BigInt(MIN_LOG_WINDOW_BLOCKS);
        continue;
      }
      throw new ChainRpcError(
        `searching ${eventName} logs in blocks ${from}..${to} (the RPC refused eth_getLogs even for ` +
          `${MIN_LOG_WINDOW_BLOCKS} blocks; use an RPC that serves eth_getLogs)`,
        context.rpcOrigin,
        describeCause(error, context.secrets),
      );
    }
    yield logs
      .filter((log) => log.removed !== true && log.blockNumber !== null)
      .sort((a, b) => {
        const blockOrder = Number((b.blockNumber ?? 0n) - (a.blockNumber ?? 0n));
        return blockOrder !== 0 ? blockOrder : (b.logIndex ?? 0) - (a.logIndex ?? 0);
      });
    if (from === range.from) return;
    to = from - 1n;
  }
}
