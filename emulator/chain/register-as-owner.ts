import { createPublicClient, createWalletClient, type Hex, http } from "viem";
import { localChain } from "./deploy-dstack";
import { dstackAppAbi } from "./dstack-contracts";

/**
 * Registers a compose hash on an app as its current owner would (`addComposeHash` sent by `owner()`), using
 * anvil's account impersonation so it works for any owner, an EOA or a contract. For changes the emulator
 * makes behind a client's back: in the real world they go through the same on-chain step.
 */
export async function registerAsOwner(rpcUrl: string, app: `0x${string}`, composeHash: string): Promise<Hex> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ transport });
  const chain = localChain(rpcUrl, await client.getChainId());
  const owner = await client.readContract({ address: app, abi: dstackAppAbi, functionName: "owner" });
  await client.request({ method: "anvil_impersonateAccount" as never, params: [owner] as never });
  try {
    const balance = await client.getBalance({ address: owner });
    if (balance < 10n ** 17n) {
      await client.request({
        method: "anvil_setBalance" as never,
        params: [owner, "0xde0b6b3a7640000"] as never,
      });
    }
    const wallet = createWalletClient({ account: owner, chain, transport });
    const hash = await wallet.writeContract({
      address: app,
      abi: dstackAppAbi,
      functionName: "addComposeHash",
      args: [`0x${composeHash.replace(/^0x/i, "")}`],
    });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") throw new Error(`addComposeHash as the owner reverted (tx ${hash})`);
    return hash;
  } finally {
    await client.request({ method: "anvil_stopImpersonatingAccount" as never, params: [owner] as never });
  }
}
