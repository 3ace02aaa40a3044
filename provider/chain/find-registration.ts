import { composeHashAddedEvent } from "./abi";
import { isComposeHashAddedLog } from "./compose-hash-log";
import { ChainRpcError } from "./errors";
import { describeCause } from "./redact";
import type { ChainContext } from "./rpc-call";
import { rpcCall } from "./rpc-call";

export const DEFAULT_LOG_WINDOW_BLOCKS = 10_000;
export const DEFAULT_LOG_SEARCH_BLOCKS = 1_000_000;
const MIN_LOG_WINDOW_BLOCKS = 100;

export interface FindRegistrationParams {
  contract: `0x${string}`;
  composeHash: `0x${string}`;
  /** Blocks per `eth_getLogs` call; halved down to 100 when the RPC rejects a range. */
  windowBlocks?: number;
  /** How far back from the latest block to search in total. */
  maxBlocks?: number;
  onProgress?: ((message: string) => void) | undefined;
}

export interface Registration {
  transactionHash: `0x${string}`;
  blockNumber: bigint;
}

export interface FindRegistrationResult {
  /** The latest `ComposeHashAdded` for the hash, if any was found. */
  registration: Registration | undefined;
  /** The searched block range (inclusive). */
  fromBlock: bigint;
  toBlock: bigint;
}

/**
 * Finds the latest `ComposeHashAdded(composeHash)` log of `contract`. The event is not indexed, so the
 * query filters by address and topic0 and the hash is matched in `data`. Searches backwards from the
 * latest block in bounded windows because public RPCs reject large ranges; a rejected range is halved.
 */
export async function findRegistration(
  context: ChainContext,
  params: FindRegistrationParams,
): Promise<FindRegistrationResult> {
  let window = BigInt(Math.max(MIN_LOG_WINDOW_BLOCKS, params.windowBlocks ?? DEFAULT_LOG_WINDOW_BLOCKS));
  const maxBlocks = BigInt(Math.max(1, params.maxBlocks ?? DEFAULT_LOG_SEARCH_BLOCKS));
  const latest = await rpcCall(context, "reading the latest block number", () =>
    context.client.getBlockNumber(),
  );
  const lowest = latest + 1n > maxBlocks ? latest + 1n - maxBlocks : 0n;
  let to = latest;
  params.onProgress?.(
    `Searching ComposeHashAdded logs of ${params.contract} from block ${latest} back to ${lowest}`,
  );
  while (to >= lowest) {
    const start = to + 1n - window;
    const from = start > lowest ? start : lowest;
    let logs: Awaited<ReturnType<typeof getWindow>>;
    try {
      logs = await getWindow(context, params.contract, from, to);
    } catch (error) {
      if (window > BigInt(MIN_LOG_WINDOW_BLOCKS)) {
        window = window / 2n > BigInt(MIN_LOG_WINDOW_BLOCKS) ? window / 2n : BigInt(MIN_LOG_WINDOW_BLOCKS);
        continue;
      }
      throw new ChainRpcError(
        `searching ComposeHashAdded logs in blocks ${from}..${to}`,
        context.rpcOrigin,
        describeCause(error, context.secrets),
      );
    }
    const matches = logs.filter(
      (log) =>
        log.transactionHash !== null &&
        log.blockNumber !== null &&
        isComposeHashAddedLog(log, params.contract, params.composeHash),
    );
    const last = matches.at(-1);
    if (last?.transactionHash && last.blockNumber !== null) {
      return {
        registration: { transactionHash: last.transactionHash, blockNumber: last.blockNumber },
        fromBlock: from,
        toBlock: latest,
      };
    }
    if (from === lowest) return { registration: undefined, fromBlock: from, toBlock: latest };
    to = from - 1n;
  }
  return { registration: undefined, fromBlock: lowest, toBlock: latest };
}

/** One `eth_getLogs` window, sorted by block and log index (RPCs return ascending order, made explicit). */
async function getWindow(context: ChainContext, contract: `0x${string}`, fromBlock: bigint, toBlock: bigint) {
  const logs = await context.client.getLogs({
    address: contract,
    event: composeHashAddedEvent,
    fromBlock,
    toBlock,
  });
  return [...logs].sort((a, b) => {
    const blockOrder = Number((a.blockNumber ?? 0n) - (b.blockNumber ?? 0n));
    return blockOrder !== 0 ? blockOrder : (a.logIndex ?? 0) - (b.logIndex ?? 0);
  });
}
