import { readFileSync } from "node:fs";
import {
  type Abi,
  type Account,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  parseAbi,
  parseEventLogs,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import {
  packSignatures,
  type SafeCall,
  type SafeTransaction,
  safeTransactionFor,
  safeTxTypes,
} from "./safe-transaction";

/** The parts of the Safe v1.4.1 ABI the emulator and its tests use. */
export const safeAbi = parseAbi([
  "function setup(address[] _owners, uint256 _threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)",
  "function nonce() view returns (uint256)",
  "function getOwners() view returns (address[])",
  "function getThreshold() view returns (uint256)",
  "function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)",
  "function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)",
  "event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)",
  "event ExecutionFailure(bytes32 indexed txHash, uint256 payment)",
]);

const proxyFactoryAbi = parseAbi([
  "function createProxyWithNonce(address _singleton, bytes initializer, uint256 saltNonce) returns (address proxy)",
  "event ProxyCreation(address indexed proxy, address singleton)",
]);

const ownableAbi = parseAbi([
  "function owner() view returns (address)",
  "function transferOwnership(address newOwner)",
  "function acceptOwnership()",
]);

/** Compiled contracts of `@safe-global/safe-contracts` 1.4.1 (the npm package's hardhat artifacts). */
const ARTIFACTS = {
  singleton: "SafeL2.sol/SafeL2",
  proxyFactory: "proxies/SafeProxyFactory.sol/SafeProxyFactory",
  multiSendCallOnly: "libraries/MultiSendCallOnly.sol/MultiSendCallOnly",
  fallbackHandler: "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler",
} as const;

const artifactSchema = z.object({
  contractName: z.string(),
  bytecode: z.string().regex(/^0x[0-9a-f]+$/i),
});

function creationCode(name: keyof typeof ARTIFACTS): Hex {
  const path = require.resolve(
    `@safe-global/safe-contracts/build/artifacts/contracts/${ARTIFACTS[name]}.json`,
  );
  return artifactSchema.parse(JSON.parse(readFileSync(path, "utf8"))).bytecode as Hex;
}

/** Addresses of one deployment of the Safe contracts. */
export type SafeContracts = Record<keyof typeof ARTIFACTS, `0x${string}`>;

type Clients = {
  wallet: WalletClient<Transport, undefined, Account>;
  publicClient: ReturnType<typeof createPublicClient>;
};

/** Clients without a chain definition: each write names `chain: null` and the node's own chain id is used. */
function clients(rpcUrl: string, privateKey: `0x${string}`): Clients {
  const transport = http(rpcUrl);
  return {
    wallet: createWalletClient({ account: privateKeyToAccount(privateKey), transport }),
    publicClient: createPublicClient({ transport }),
  };
}

async function mined(c: Clients, hash: Hex, what: string) {
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== "success") throw new Error(`${what} reverted (tx ${hash})`);
  return receipt;
}

/** Deploys the Safe singleton (SafeL2), proxy factory, MultiSendCallOnly and fallback handler. */
export async function deploySafeContracts(
  rpcUrl: string,
  deployerPrivateKey: `0x${string}`,
): Promise<SafeContracts> {
  const c = clients(rpcUrl, deployerPrivateKey);
  const deployed: Partial<SafeContracts> = {};
  for (const name of Object.keys(ARTIFACTS) as (keyof typeof ARTIFACTS)[]) {
    const hash = await c.wallet.deployContract({ abi: [] as Abi, bytecode: creationCode(name), chain: null });
    const receipt = await mined(c, hash, `deploying ${ARTIFACTS[name]}`);
    if (!receipt.contractAddress) throw new Error(`deploying ${ARTIFACTS[name]}: no contract address`);
    deployed[name] = getAddress(receipt.contractAddress);
  }
  return deployed as SafeContracts;
}

export type CreateSafeOptions = {
  rpcUrl: string;
  /** Pays for the deployment; need not be an owner. */
  deployerPrivateKey: `0x${string}`;
  contracts: SafeContracts;
  owners: readonly `0x${string}`[];
  threshold: number;
  saltNonce?: bigint;
};

/** Creates a Safe proxy through the factory (`createProxyWithNonce` + `setup`), as the Safe app does. */
export async function createSafe(options: CreateSafeOptions): Promise<`0x${string}`> {
  const c = clients(options.rpcUrl, options.deployerPrivateKey);
  const initializer = encodeFunctionData({
    abi: safeAbi,
    functionName: "setup",
    args: [
      options.owners.map((o) => getAddress(o)),
      BigInt(options.threshold),
      "0x0000000000000000000000000000000000000000",
      "0x",
      options.contracts.fallbackHandler,
      "0x0000000000000000000000000000000000000000",
      0n,
      "0x0000000000000000000000000000000000000000",
    ],
  });
  const hash = await c.wallet.writeContract({
    chain: null,
    address: options.contracts.proxyFactory,
    abi: proxyFactoryAbi,
    functionName: "createProxyWithNonce",
    args: [options.contracts.singleton, initializer, options.saltNonce ?? 0n],
  });
  const receipt = await mined(c, hash, "creating the Safe");
  const [created] = parseEventLogs({ abi: proxyFactoryAbi, eventName: "ProxyCreation", logs: receipt.logs });
  if (!created) throw new Error(`creating the Safe: no ProxyCreation log (tx ${hash})`);
  return getAddress(created.args.proxy);
}

/** An owner's EIP-712 signature over a Safe transaction (domain `{chainId, verifyingContract: safe}`). */
export async function signSafeTransaction(
  ownerPrivateKey: `0x${string}`,
  safe: `0x${string}`,
  chainId: number,
  transaction: SafeTransaction,
): Promise<{ owner: `0x${string}`; signature: Hex }> {
  const account = privateKeyToAccount(ownerPrivateKey);
  const signature = await account.signTypedData({
    domain: { chainId, verifyingContract: getAddress(safe) },
    types: safeTxTypes,
    primaryType: "SafeTx",
    message: transaction,
  });
  return { owner: account.address, signature };
}

export type ExecuteOptions = {
  rpcUrl: string;
  safe: `0x${string}`;
  transaction: SafeTransaction;
  /** Owner keys whose signatures are collected (at least the threshold). */
  ownerPrivateKeys: readonly `0x${string}`[];
  /** Sends `execTransaction` and pays its gas (any funded account). */
  executorPrivateKey: `0x${string}`;
};

/** Collects the owners' signatures and sends `execTransaction`; returns its transaction hash once mined. */
export async function executeSafeTransaction(options: ExecuteOptions): Promise<`0x${string}`> {
  const c = clients(options.rpcUrl, options.executorPrivateKey);
  const chainId = await c.publicClient.getChainId();
  const signatures = await Promise.all(
    options.ownerPrivateKeys.map((key) =>
      signSafeTransaction(key, options.safe, chainId, options.transaction),
    ),
  );
  const t = options.transaction;
  const hash = await c.wallet.writeContract({
    chain: null,
    address: getAddress(options.safe),
    abi: safeAbi,
    functionName: "execTransaction",
    args: [
      t.to,
      t.value,
      t.data,
      t.operation,
      t.safeTxGas,
      t.baseGas,
      t.gasPrice,
      t.gasToken,
      t.refundReceiver,
      packSignatures(signatures),
    ],
  });
  const receipt = await mined(c, hash, "execTransaction");
  const failed = parseEventLogs({ abi: safeAbi, eventName: "ExecutionFailure", logs: receipt.logs });
  if (failed.length > 0) throw new Error(`the Safe transaction failed inside the Safe (tx ${hash})`);
  return hash;
}

/** Builds the Safe transaction for `calls` at the Safe's current nonce and executes it with the owners' keys. */
export async function executeSafeCalls(
  options: Omit<ExecuteOptions, "transaction"> & { calls: readonly SafeCall[]; multiSend: `0x${string}` },
): Promise<`0x${string}`> {
  const publicClient = createPublicClient({ transport: http(options.rpcUrl) });
  const nonce = await publicClient.readContract({
    address: options.safe,
    abi: safeAbi,
    functionName: "nonce",
  });
  return executeSafeTransaction({
    ...options,
    transaction: safeTransactionFor(options.calls, nonce, options.multiSend),
  });
}

export type HandOverOptions = {
  rpcUrl: string;
  /** An Ownable (or Ownable2Step) contract, e.g. a DstackApp. */
  contract: `0x${string}`;
  /** Key of the contract's current owner. */
  ownerPrivateKey: `0x${string}`;
  safe: `0x${string}`;
  multiSend: `0x${string}`;
  /** Enough Safe owner keys to reach the threshold (to accept a two-step transfer). */
  safeOwnerPrivateKeys: readonly `0x${string}`[];
};

/**
 * Makes the Safe the owner of `contract` through its own ownership transfer: `transferOwnership(safe)`
 * from the current owner, then, if the contract is Ownable2Step (the owner is not the Safe yet), the
 * Safe executes `acceptOwnership()` as a Safe transaction signed by its owners.
 */
export async function handOverToSafe(options: HandOverOptions): Promise<void> {
  const c = clients(options.rpcUrl, options.ownerPrivateKey);
  await mined(
    c,
    await c.wallet.writeContract({
      chain: null,
      address: options.contract,
      abi: ownableAbi,
      functionName: "transferOwnership",
      args: [getAddress(options.safe)],
    }),
    "transferOwnership",
  );
  const owner = () =>
    c.publicClient.readContract({ address: options.contract, abi: ownableAbi, functionName: "owner" });
  if (getAddress(await owner()) === getAddress(options.safe)) return;
  await executeSafeCalls({
    rpcUrl: options.rpcUrl,
    safe: options.safe,
    multiSend: options.multiSend,
    ownerPrivateKeys: options.safeOwnerPrivateKeys,
    executorPrivateKey: options.ownerPrivateKey,
    calls: [
      {
        to: options.contract,
        value: 0n,
        data: encodeFunctionData({ abi: ownableAbi, functionName: "acceptOwnership" }),
      },
    ],
  });
  if (getAddress(await owner()) !== getAddress(options.safe)) {
    throw new Error(`the Safe ${options.safe} did not become the owner of ${options.contract}`);
  }
}

/** The emulator's own Safe: owners are local anvil test keys. */
export type LocalSafe = {
  address: `0x${string}`;
  threshold: number;
  owners: { address: `0x${string}`; privateKey: `0x${string}` }[];
  contracts: SafeContracts;
};

/** Deploys the Safe contracts and one Safe of `owners` with `threshold`. */
export async function startLocalSafe(
  rpcUrl: string,
  deployerPrivateKey: `0x${string}`,
  owners: LocalSafe["owners"],
  threshold: number,
): Promise<LocalSafe> {
  const contracts = await deploySafeContracts(rpcUrl, deployerPrivateKey);
  const address = await createSafe({
    rpcUrl,
    deployerPrivateKey,
    contracts,
    owners: owners.map((o) => o.address),
    threshold,
  });
  return { address, threshold, owners, contracts };
}
