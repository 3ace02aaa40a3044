import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  getAddress,
  hexToBytes,
} from "viem";
import { dstackAppAbi, dstackKmsAbi } from "./abi";
import { AppContractNotFoundError } from "./errors";
import { type ChainContext, rpcCall } from "./rpc-call";

/** True when there is contract code at `address`. */
export async function hasCode(context: ChainContext, address: `0x${string}`): Promise<boolean> {
  const code = await rpcCall(context, `reading the code at ${address}`, () =>
    context.client.getCode({ address }),
  );
  return code !== undefined && code !== "0x";
}

/** Throws `AppContractNotFoundError` when there is no code at `contract`. */
export async function assertAppContract(
  context: ChainContext,
  contract: `0x${string}`,
  chainId: number,
): Promise<void> {
  if (!(await hasCode(context, contract))) throw new AppContractNotFoundError(contract, chainId);
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

/**
 * Whether the app lets `deviceId` boot it: `allowAnyDevice()` or `allowedDeviceIds(deviceId)`, as
 * DstackApp's `isAppAllowed` decides. undefined when the contract has neither function (an app contract
 * of its own design): the device cannot be checked.
 */
export async function isDeviceAllowed(
  context: ChainContext,
  contract: `0x${string}`,
  deviceId: `0x${string}`,
): Promise<boolean | undefined> {
  return rpcCall(context, "reading the app's device policy", async () => {
    try {
      const anyDevice = await context.client.readContract({
        address: contract,
        abi: dstackAppAbi,
        functionName: "allowAnyDevice",
      });
      if (anyDevice) return true;
      return await context.client.readContract({
        address: contract,
        abi: dstackAppAbi,
        functionName: "allowedDeviceIds",
        args: [deviceId],
      });
    } catch (error) {
      if (isMissingFunction(error)) return undefined;
      throw error;
    }
  });
}

/** `owner()` of the DstackApp, checksummed. */
export async function readOwner(context: ChainContext, contract: `0x${string}`): Promise<`0x${string}`> {
  const owner = await rpcCall(context, "reading the contract owner", () =>
    context.client.readContract({ address: contract, abi: dstackAppAbi, functionName: "owner" }),
  );
  return getAddress(owner);
}

/** The KMS's secp256k1 signing key from `DstackKms.kmsInfo()`, hex with 0x; undefined when it is empty. */
export async function readKmsSigningKey(
  context: ChainContext,
  kmsContract: `0x${string}`,
): Promise<`0x${string}` | undefined> {
  const [k256Pubkey] = await rpcCall(context, "reading DstackKms.kmsInfo()", () =>
    context.client.readContract({ address: kmsContract, abi: dstackKmsAbi, functionName: "kmsInfo" }),
  );
  return hexToBytes(k256Pubkey).length === 0 ? undefined : k256Pubkey;
}

/** A call that reverted without a reason or returned nothing: the function does not exist there. */
function isMissingFunction(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  const found = error.walk(
    (e) => e instanceof ContractFunctionZeroDataError || e instanceof ContractFunctionRevertedError,
  );
  return (
    found instanceof ContractFunctionZeroDataError ||
    (found instanceof ContractFunctionRevertedError && !found.data)
  );
}
