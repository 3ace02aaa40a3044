import { createPublicClient, defineChain, getAddress, http, isAddress, type TransactionReceipt } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { checkChainId } from "./check-chain-id";
import { addComposeHashCalldata, normalizeComposeHash } from "./compose-hash";
import { InvalidChainParamsError, OwnerActionRequiredError, RegistrationNotFoundError } from "./errors";
import { findRegistration } from "./find-registration";
import { assertAppContract, isComposeHashAllowed, readOwner } from "./read-app-state";
import { redactRpcUrl, rpcUrlSecrets } from "./redact";
import type { ChainContext } from "./rpc-call";
import { sendAddComposeHash } from "./send-add-compose-hash";
import { assertRegistrationReceipt, isRegistrationReceipt, waitForReceipt } from "./wait-for-receipt";

export interface RegisterComposeHashParams {
  rpcUrl: string;
  /** `kms_info.chain_id` from the API; the RPC's `eth_chainId` must equal it. */
  expectedChainId: number;
  /** The CVM's own DstackApp (its app id with 0x). */
  appContract: `0x${string}`;
  /** 64 hex with or without 0x, as the API gave it. */
  composeHash: string;
  /** Signer; absent → never sends, reports what the owner must do. */
  privateKey?: `0x${string}`;
  /** Receipt wait, default 120 000 ms. */
  receiptTimeoutMs?: number;
  /** Receipt poll interval, default 1 000 ms. */
  pollIntervalMs?: number;
  /** Human progress lines, no secrets. */
  onProgress?: (message: string) => void;
  /**
   * An `addComposeHash` transaction sent earlier for this hash (e.g. `ReceiptTimeoutError.transactionHash`,
   * or the owner's transaction). Checked first: if it is still pending it is awaited instead of sending
   * another one; if it registered the hash it is returned without a log search.
   */
  knownTransactionHash?: `0x${string}`;
  /** Blocks per `eth_getLogs` call when searching an earlier registration; default 10 000. */
  logWindowBlocks?: number;
  /** How many blocks back from the latest the log search covers; default 1 000 000. */
  logSearchBlocks?: number;
}

export interface RegisterComposeHashResult {
  /** The `addComposeHash` transaction that registered the hash (new, or found on-chain). */
  transactionHash: `0x${string}`;
  /** Decimal string of the block that included it. */
  blockNumber: string;
  /** False when the hash was already registered and the earlier transaction was found. */
  sentTransaction: boolean;
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const TX_HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;
const PRIVATE_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/**
 * The chain step between the two phases of an env update with changed keys: makes sure `composeHash`
 * is registered on the CVM's DstackApp and returns the registering transaction.
 *
 * 1. The RPC's chain id must equal `expectedChainId` (before anything else).
 * 2. Already allowed → return the earlier `ComposeHashAdded` transaction (no new transaction).
 * 3. No key, or the signer is not `owner()` → `OwnerActionRequiredError` with the calldata to submit.
 * 4. Send `addComposeHash` once (nonce-safe per signer), wait for a successful receipt with the event.
 */
export async function registerComposeHash(
  params: RegisterComposeHashParams,
): Promise<RegisterComposeHashResult> {
  const composeHash = normalizeComposeHash(params.composeHash);
  const validated = validateParams(params);
  const { contract, timeoutMs, pollIntervalMs } = validated;
  const progress = params.onProgress;
  const rpcOrigin = redactRpcUrl(params.rpcUrl);
  const transport = http(params.rpcUrl);
  const context: ChainContext = {
    client: createPublicClient({ transport }),
    rpcOrigin,
    secrets: [params.privateKey, ...rpcUrlSecrets(params.rpcUrl)],
  };

  progress?.(`Checking the RPC endpoint serves chain ${params.expectedChainId}`);
  const chainId = await checkChainId(context, params.expectedChainId);
  await assertAppContract(context, contract, chainId);

  if (params.knownTransactionHash) {
    const resumed = await resumeKnownTransaction(context, params.knownTransactionHash, {
      contract,
      composeHash,
      timeoutMs,
      pollIntervalMs,
      progress,
    });
    if (resumed) return resumed;
  }

  if (await isComposeHashAllowed(context, contract, composeHash)) {
    progress?.(`Compose hash ${composeHash} is already allowed on ${contract}; looking up its registration`);
    const found = await findRegistration(context, {
      contract,
      composeHash,
      windowBlocks: params.logWindowBlocks,
      maxBlocks: params.logSearchBlocks,
      onProgress: progress,
    });
    if (!found.registration) {
      throw new RegistrationNotFoundError(
        composeHash,
        contract,
        chainId,
        found.fromBlock.toString(),
        found.toBlock.toString(),
      );
    }
    progress?.(
      `Found registration in transaction ${found.registration.transactionHash} (block ${found.registration.blockNumber})`,
    );
    return {
      transactionHash: found.registration.transactionHash,
      blockNumber: found.registration.blockNumber.toString(),
      sentTransaction: false,
    };
  }

  const owner = await readOwner(context, contract);
  const calldata = addComposeHashCalldata(composeHash);
  if (!params.privateKey) {
    throw new OwnerActionRequiredError({ composeHash, contract, chainId, calldata, owner });
  }
  const account = privateKeyToAccount(params.privateKey);
  if (account.address.toLowerCase() !== owner.toLowerCase()) {
    throw new OwnerActionRequiredError({
      composeHash,
      contract,
      chainId,
      calldata,
      owner,
      signer: account.address,
    });
  }

  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  });
  const transactionHash = await sendAddComposeHash(context, {
    rpcUrl: params.rpcUrl,
    chain,
    transport,
    account,
    contract,
    composeHash,
    onProgress: progress,
  });
  progress?.(`Waiting for the receipt of ${transactionHash} (up to ${timeoutMs} ms)`);
  const receipt = await waitForReceipt(context, { transactionHash, timeoutMs, pollIntervalMs });
  assertRegistrationReceipt(receipt, contract, composeHash);
  progress?.(`Compose hash ${composeHash} registered in block ${receipt.blockNumber}`);
  return { transactionHash, blockNumber: receipt.blockNumber.toString(), sentTransaction: true };
}

/**
 * Picks up a transaction sent earlier: a pending one is awaited, a mined one that registered the hash
 * is returned. Anything else (unknown to the node, reverted, another call) returns undefined and the
 * normal path runs.
 */
async function resumeKnownTransaction(
  context: ChainContext,
  transactionHash: `0x${string}`,
  options: {
    contract: `0x${string}`;
    composeHash: `0x${string}`;
    timeoutMs: number;
    pollIntervalMs: number;
    progress: ((message: string) => void) | undefined;
  },
): Promise<RegisterComposeHashResult | undefined> {
  const transaction = await context.client.getTransaction({ hash: transactionHash }).catch(() => undefined);
  if (!transaction) {
    options.progress?.(`Transaction ${transactionHash} is unknown to the node; ignoring it`);
    return undefined;
  }
  let receipt: TransactionReceipt;
  if (transaction.blockNumber === null) {
    options.progress?.(
      `Transaction ${transactionHash} is still pending; waiting for it instead of sending another`,
    );
    receipt = await waitForReceipt(context, {
      transactionHash,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs,
    });
  } else {
    const mined = await context.client
      .getTransactionReceipt({ hash: transactionHash })
      .catch(() => undefined);
    if (!mined) return undefined;
    receipt = mined;
  }
  if (!isRegistrationReceipt(receipt, options.contract, options.composeHash)) {
    options.progress?.(`Transaction ${transactionHash} did not register ${options.composeHash}; ignoring it`);
    return undefined;
  }
  return { transactionHash, blockNumber: receipt.blockNumber.toString(), sentTransaction: false };
}

function validateParams(params: RegisterComposeHashParams): {
  contract: `0x${string}`;
  timeoutMs: number;
  pollIntervalMs: number;
} {
  if (typeof params.rpcUrl !== "string" || !/^https?:\/\//i.test(params.rpcUrl)) {
    throw new InvalidChainParamsError("rpcUrl", "expected an http(s) URL");
  }
  try {
    new URL(params.rpcUrl);
  } catch {
    throw new InvalidChainParamsError("rpcUrl", "not a valid URL");
  }
  if (!Number.isSafeInteger(params.expectedChainId) || params.expectedChainId <= 0) {
    throw new InvalidChainParamsError(
      "expectedChainId",
      `expected a positive integer, got ${params.expectedChainId}`,
    );
  }
  if (typeof params.appContract !== "string" || !isAddress(params.appContract, { strict: false })) {
    throw new InvalidChainParamsError(
      "appContract",
      `expected a 0x-prefixed 20-byte address, got ${JSON.stringify(params.appContract)}`,
    );
  }
  if (params.privateKey !== undefined && !PRIVATE_KEY_PATTERN.test(params.privateKey)) {
    // The value itself is never echoed.
    throw new InvalidChainParamsError("privateKey", "expected 0x followed by 64 hex characters");
  }
  if (params.knownTransactionHash !== undefined && !TX_HASH_PATTERN.test(params.knownTransactionHash)) {
    throw new InvalidChainParamsError("knownTransactionHash", "expected 0x followed by 64 hex characters");
  }
  const timeoutMs = params.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS;
  const pollIntervalMs = params.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (const [name, value] of [
    ["receiptTimeoutMs", timeoutMs],
    ["pollIntervalMs", pollIntervalMs],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0)
      throw new InvalidChainParamsError(name, "expected a positive number");
  }
  return { contract: getAddress(params.appContract), timeoutMs, pollIntervalMs };
}
