import { createPublicClient, createWalletClient, defineChain, getAddress, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import artifact from "../contracts/DstackApp.json";

/**
 * ABI of emulator/contracts/DstackApp.sol. The function, event and error signatures are those of the dstack
 * DstackApp contract; a test checks this list against the solc output of the source.
 */
export const dstackAppAbi = [
  {
    type: "constructor",
    stateMutability: "nonpayable",
    inputs: [{ name: "initialOwner", type: "address", internalType: "address" }],
  },
  {
    type: "function",
    name: "addComposeHash",
    stateMutability: "nonpayable",
    inputs: [{ name: "composeHash", type: "bytes32", internalType: "bytes32" }],
    outputs: [],
  },
  {
    type: "function",
    name: "removeComposeHash",
    stateMutability: "nonpayable",
    inputs: [{ name: "composeHash", type: "bytes32", internalType: "bytes32" }],
    outputs: [],
  },
  {
    type: "function",
    name: "allowedComposeHashes",
    stateMutability: "view",
    inputs: [{ name: "", type: "bytes32", internalType: "bytes32" }],
    outputs: [{ name: "", type: "bool", internalType: "bool" }],
  },
  {
    type: "function",
    name: "owner",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "address", internalType: "address" }],
  },
  {
    type: "function",
    name: "transferOwnership",
    stateMutability: "nonpayable",
    inputs: [{ name: "newOwner", type: "address", internalType: "address" }],
    outputs: [],
  },
  {
    type: "function",
    name: "version",
    stateMutability: "pure",
    inputs: [],
    outputs: [{ name: "", type: "uint256", internalType: "uint256" }],
  },
  {
    type: "event",
    name: "ComposeHashAdded",
    anonymous: false,
    inputs: [{ name: "composeHash", type: "bytes32", indexed: false, internalType: "bytes32" }],
  },
  {
    type: "event",
    name: "ComposeHashRemoved",
    anonymous: false,
    inputs: [{ name: "composeHash", type: "bytes32", indexed: false, internalType: "bytes32" }],
  },
  {
    type: "event",
    name: "OwnershipTransferred",
    anonymous: false,
    inputs: [
      { name: "previousOwner", type: "address", indexed: true, internalType: "address" },
      { name: "newOwner", type: "address", indexed: true, internalType: "address" },
    ],
  },
  {
    type: "error",
    name: "OwnableUnauthorizedAccount",
    inputs: [{ name: "account", type: "address", internalType: "address" }],
  },
  {
    type: "error",
    name: "OwnableInvalidOwner",
    inputs: [{ name: "owner", type: "address", internalType: "address" }],
  },
] as const;

/** Creation bytecode of DstackApp (committed artifact emulator/contracts/DstackApp.json). */
export const dstackAppBytecode = artifact.bytecode as Hex;

/** A viem chain definition for a local node at `rpcUrl`. */
export function localChain(rpcUrl: string, chainId = 31337) {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? "Anvil" : `Local ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export type DeployDstackAppOptions = {
  rpcUrl: string;
  deployerPrivateKey: `0x${string}`;
  /** Owner of the new contract (default: the deployer). */
  owner?: `0x${string}`;
  /**
   * Compose hash allowed from the start (as `deployAndRegisterApp(..., initialComposeHash)` does): the
   * deployer owns the contract first, adds the hash, then transfers ownership to `owner`.
   */
  initialComposeHash?: `0x${string}`;
};

/** Deploys one DstackApp and returns its (checksummed) address once the deployment is mined. */
export async function deployDstackApp(options: DeployDstackAppOptions): Promise<`0x${string}`> {
  const account = privateKeyToAccount(options.deployerPrivateKey);
  const transport = http(options.rpcUrl);
  const probe = createPublicClient({ transport });
  const chain = localChain(options.rpcUrl, await probe.getChainId());
  const wallet = createWalletClient({ account, chain, transport });
  const publicClient = createPublicClient({ chain, transport });
  const owner = options.owner ?? account.address;
  const initialOwner = options.initialComposeHash ? account.address : owner;
  const hash = await wallet.deployContract({
    abi: dstackAppAbi,
    bytecode: dstackAppBytecode,
    args: [initialOwner],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new Error(`DstackApp deployment failed (tx ${hash})`);
  }
  const address = getAddress(receipt.contractAddress);
  const send = async (tx: Promise<`0x${string}`>) => {
    const r = await publicClient.waitForTransactionReceipt({ hash: await tx, pollingInterval: 50 });
    if (r.status !== "success")
      throw new Error(`DstackApp setup transaction reverted (${r.transactionHash})`);
  };
  if (options.initialComposeHash) {
    await send(
      wallet.writeContract({
        address,
        abi: dstackAppAbi,
        functionName: "addComposeHash",
        args: [options.initialComposeHash],
      }),
    );
    if (getAddress(owner) !== account.address) {
      await send(
        wallet.writeContract({
          address,
          abi: dstackAppAbi,
          functionName: "transferOwnership",
          args: [owner],
        }),
      );
    }
  }
  return address;
}
