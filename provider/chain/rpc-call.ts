import type { PublicClient } from "viem";
import { describeCause } from "./describe-cause";
import { ChainRpcError, PhalaChainError } from "./errors";

/** A public client plus what error mapping needs: the redacted RPC origin and the secrets to scrub. */
export interface ChainContext {
  client: PublicClient;
  rpcOrigin: string;
  secrets: readonly (string | undefined)[];
}

/**
 * Runs one RPC step and maps any non-`PhalaChainError` failure to `ChainRpcError` with a redacted,
 * short cause: viem messages embed the RPC URL and request bodies.
 */
export async function rpcCall<T>(
  context: ChainContext,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PhalaChainError) throw error;
    throw new ChainRpcError(operation, context.rpcOrigin, describeCause(error, context.secrets));
  }
}

/** Whether the node knows the transaction, pending or mined (no throw). */
export const isKnownTransaction = (context: ChainContext, hash: `0x${string}`): Promise<boolean> =>
  context.client.getTransaction({ hash }).then(
    () => true,
    () => false,
  );
