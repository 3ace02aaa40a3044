import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { dstackArtifacts } from "../contracts/compile";
import { dstackKmsAbi, erc1967ProxyAbi } from "./dstack-contracts";

/** A viem chain definition for a local node at `rpcUrl`. */
export function localChain(rpcUrl: string, chainId = 31337) {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? "Anvil" : `Local ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

const ZERO32 = `0x${"00".repeat(32)}` as const;

/** A signer on a local chain that sends one transaction at a time and waits for each receipt. */
async function signer(rpcUrl: string, privateKey: Hex) {
  const transport = http(rpcUrl);
  const chain = localChain(rpcUrl, await createPublicClient({ transport }).getChainId());
  const account = privateKeyToAccount(privateKey);
  const wallet = createWalletClient({ account, chain, transport });
  const client = createPublicClient({ chain, transport });
  const mined = async (hash: Hex, what: string): Promise<TransactionReceipt> => {
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") throw new Error(`${what} reverted (tx ${hash})`);
    return receipt;
  };
  return { account, wallet, client, mined };
}

export type DstackKmsDeployment = {
  /** The DstackKms proxy (what the API calls `kms_contract_address` / `dstack_kms_address`). */
  kms: Address;
  /** The DstackApp implementation behind every app proxy. */
  appImplementation: Address;
  /** The KMS owner (the deploying account). */
  owner: Address;
};

export type DeployDstackKmsOptions = {
  rpcUrl: string;
  deployerPrivateKey: Hex;
  /** Compressed secp256k1 KMS signing key set with `setKmsInfo` (what `kmsInfo().k256Pubkey` returns). */
  k256Pubkey?: Hex;
  /** OS image hashes the KMS allows (`addOsImageHash`). */
  osImageHashes?: Hex[];
  gatewayAppId?: string;
};

/**
 * Deploys dstack's KMS as upstream does: the DstackApp implementation, the DstackKms implementation, and an
 * ERC1967 (UUPS) proxy initialised with `initialize(owner, appImplementation)`; then `setKmsInfo`, allowed
 * OS images and the gateway app id.
 */
export async function deployDstackKms(options: DeployDstackKmsOptions): Promise<DstackKmsDeployment> {
  const { contracts } = dstackArtifacts();
  const { account, wallet, mined } = await signer(options.rpcUrl, options.deployerPrivateKey);
  const deploy = async (name: "DstackApp" | "DstackKms", bytecode: Hex): Promise<Address> => {
    const hash = await wallet.deployContract({ abi: [], bytecode });
    const receipt = await mined(hash, `${name} implementation deployment`);
    if (!receipt.contractAddress) throw new Error(`${name} deployment has no contract address`);
    return getAddress(receipt.contractAddress);
  };
  const appImplementation = await deploy("DstackApp", contracts.DstackApp.bytecode);
  const kmsImplementation = await deploy("DstackKms", contracts.DstackKms.bytecode);
  const proxyTx = await wallet.deployContract({
    abi: erc1967ProxyAbi,
    bytecode: contracts.ERC1967Proxy.bytecode,
    args: [
      kmsImplementation,
      encodeFunctionData({
        abi: dstackKmsAbi,
        functionName: "initialize",
        args: [account.address, appImplementation],
      }),
    ],
  });
  const proxy = await mined(proxyTx, "DstackKms proxy deployment");
  if (!proxy.contractAddress) throw new Error("DstackKms proxy deployment has no contract address");
  const kms = getAddress(proxy.contractAddress);
  const setup: Hex[] = [];
  if (options.k256Pubkey) {
    const info = { k256Pubkey: options.k256Pubkey, caPubkey: "0x", quote: "0x", eventlog: "0x" } as const;
    setup.push(encodeFunctionData({ abi: dstackKmsAbi, functionName: "setKmsInfo", args: [info] }));
  }
  for (const image of options.osImageHashes ?? []) {
    setup.push(encodeFunctionData({ abi: dstackKmsAbi, functionName: "addOsImageHash", args: [image] }));
  }
  if (options.gatewayAppId) {
    setup.push(
      encodeFunctionData({
        abi: dstackKmsAbi,
        functionName: "setGatewayAppId",
        args: [options.gatewayAppId],
      }),
    );
  }
  for (const data of setup) await mined(await wallet.sendTransaction({ to: kms, data }), "DstackKms setup");
  return { kms, appImplementation, owner: account.address };
}

export type DeployAppOptions = {
  rpcUrl: string;
  /** The account that sends the factory transaction. */
  senderPrivateKey: Hex;
  kms: Address;
  /** The app's owner (`initialOwner`). */
  owner: Address;
  /** Compose hash registered inside the factory transaction (`initialComposeHash`); none when omitted. */
  initialComposeHash?: Hex;
  /** Device allowed from the start (`initialDeviceId`); none when omitted. */
  initialDeviceId?: Hex;
  allowAnyDevice?: boolean;
};

export type DeployedApp = {
  /** The DstackApp proxy: the app id with `0x`. */
  app: Address;
  /** The factory transaction (sent to DstackKms; it emits the app's first `ComposeHashAdded`). */
  transactionHash: Hex;
};

/** Creates an app as production does: `DstackKms.deployAndRegisterApp` (a UUPS proxy of DstackApp). */
export async function deployAndRegisterApp(options: DeployAppOptions): Promise<DeployedApp> {
  const { wallet, mined } = await signer(options.rpcUrl, options.senderPrivateKey);
  const hash = await wallet.writeContract({
    address: options.kms,
    abi: dstackKmsAbi,
    functionName: "deployAndRegisterApp",
    args: [
      options.owner,
      false,
      false,
      options.allowAnyDevice ?? false,
      options.initialDeviceId ?? ZERO32,
      options.initialComposeHash ?? ZERO32,
    ],
  });
  const receipt = await mined(hash, "deployAndRegisterApp");
  const [deployed] = parseEventLogs({
    abi: dstackKmsAbi,
    eventName: "AppDeployedViaFactory",
    logs: receipt.logs,
  });
  if (!deployed) throw new Error(`deployAndRegisterApp (tx ${hash}) emitted no AppDeployedViaFactory`);
  return { app: getAddress(deployed.args.appId), transactionHash: hash };
}

export type DeployDstackAppOptions = {
  rpcUrl: string;
  deployerPrivateKey: Hex;
  /** The app owner (default: the deployer). */
  owner?: Address;
  initialComposeHash?: Hex;
  initialDeviceId?: Hex;
  allowAnyDevice?: boolean;
  /** An existing DstackKms; by default a new one is deployed for this app. */
  kms?: Address;
};

/** One app on the real contracts, for tests: a DstackKms (unless given), then `deployAndRegisterApp`. */
export async function deployDstackApp(options: DeployDstackAppOptions): Promise<Address> {
  const kms =
    options.kms ??
    (await deployDstackKms({ rpcUrl: options.rpcUrl, deployerPrivateKey: options.deployerPrivateKey })).kms;
  const owner = options.owner ?? privateKeyToAccount(options.deployerPrivateKey).address;
  const { app } = await deployAndRegisterApp({
    rpcUrl: options.rpcUrl,
    senderPrivateKey: options.deployerPrivateKey,
    kms,
    owner,
    ...(options.initialComposeHash ? { initialComposeHash: options.initialComposeHash } : {}),
    ...(options.initialDeviceId ? { initialDeviceId: options.initialDeviceId } : {}),
    ...(options.allowAnyDevice !== undefined ? { allowAnyDevice: options.allowAnyDevice } : {}),
  });
  return app;
}
