import { getAddress } from "viem";
import { dstackAppAbi } from "./abi";
import { AppContractNotFoundError } from "./errors";
import { type ChainContext, rpcCall } from "./rpc-call";

/** Throws `AppContractNotFoundError` when there is no code at `contract`. */
export async function assertAppContract(
  context: ChainContext,
  contract: `0x${string}`,
  chainId: number,
): Promise<void> {
  const code = await rpcCall(context, "reading the app contract code", () =>
    context.client.getCode({ address: contract }),
  );
  if (!code || code === "0x") throw new AppContractNotFoundError(contract, chainId);
}

/** `allowedComposeHashes(composeHash)` on the DstackApp. */
export function isComposeHashAllowed(
  context: ChainContext,
  contract: `0x${string}`,
  composeHash: `0x${string}`,
): Promise<boolean> {
  return rpcCall(context, "reading allowedComposeHashes", () =>
    context.client.readContract({
      address: contract,
      abi: dstackAppAbi,
      functionName: "allowedComposeHashes",
      args: [composeHash],
    }),
  );
}

/** `owner()` of the DstackApp, checksummed. */
export async function readOwner(context: ChainContext, contract: `0x${string}`): Promise<`0x${string}`> {
  const owner = await rpcCall(context, "reading the contract owner", () =>
    context.client.readContract({ address: contract, abi: dstackAppAbi, functionName: "owner" }),
  );
  return getAddress(owner);
}
