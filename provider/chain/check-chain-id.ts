import { ChainIdMismatchError } from "./errors";
import { type ChainContext, rpcCall } from "./rpc-call";

/** Asks the RPC for `eth_chainId` and throws `ChainIdMismatchError` unless it equals `expectedChainId`. */
export async function checkChainId(context: ChainContext, expectedChainId: number): Promise<number> {
  const actual = await rpcCall(context, "reading the chain id", () => context.client.getChainId());
  if (actual !== expectedChainId) throw new ChainIdMismatchError(expectedChainId, actual, context.rpcOrigin);
  return actual;
}
