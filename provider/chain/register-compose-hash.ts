import { createPublicClient, defineChain, getAddress, isAddress, type TransactionReceipt } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { sameHex } from "../normalize";
import { redactRpcUrl, rpcUrlSecrets } from "../redact";
import type { AppWrite } from "./abi";
import { checkChainId } from "./check-chain-id";
import { appCalldata, normalizeComposeHash, normalizeDeviceId } from "./compose-hash";
import {
  InvalidChainParamsError,
  type OwnerAction,
  OwnerActionRequiredError,
  TransactionRevertedError,
} from "./errors";
import {
  DEFAULT_LOG_SEARCH_BLOCKS,
  type FindRegistrationResult,
  findRegistration,
} from "./find-registration";
import { assertAppContract, isComposeHashAllowed, isDeviceAllowed, readOwner } from "./read-app-state";
import type { ChainContext } from "./rpc-call";
import { rpcTransport } from "./rpc-transport";
import { sendAppTransaction } from "./send-app-transaction";
import { assertRegistrationReceipt, isRegistrationReceipt, waitForReceipt } from "./wait-for-receipt";

interface RegisterComposeHashParams {
  rpcUrl: string;
  /** `kms_info.chain_id` from the API; the RPC's `eth_chainId` must equal it. */
  expectedChainId: number;
  /** The CVM's own DstackApp (its app id with 0x). */
  appContract: `0x${string}`;
  /** 64 hex with or without 0x, as the API gave it. */
  composeHash: string;
  /** The 465's `device_id`: the app must allow it (`allowAnyDevice` or `allowedDeviceIds`), else `addDevice` first. */
  deviceId?: string;
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
  /**
   * How many blocks back from the latest the log search covers; default 1 000 000 (at most 50 000 when
   * the signer owns the app and can send a fresh registration instead).
   */
  logSearchBlocks?: number;
}

interface RegisterComposeHashResult {
  /** The `addComposeHash` transaction that registered the hash (new, or found on-chain). */
  transactionHash: `0x${string}`;
  /** Decimal string of the block that included it. */
  blockNumber: string;
  /** False when an earlier qualifying registration (or a pending transaction of ours) was used. */
  sentTransaction: boolean;
  /** The `addDevice` transaction, when the CVM's device had to be allowed first. */
  deviceTransactionHash?: `0x${string}`;
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000;
/** How far back an owning signer looks for an earlier registration before sending a fresh one. */
const OWNER_SIGNER_SEARCH_BLOCKS = 50_000;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const TX_HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;
const PRIVATE_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/**
 * The chain step between the two phases of an env update with changed keys: makes sure `composeHash`
 * is registered on the CVM's DstackApp by a transaction the API accepts as proof, and that the CVM's
 * device may boot the app, and returns the registering transaction.
 *
 * 1. The RPC's chain id must equal `expectedChainId` (before anything else).
 * 2. Already allowed → the latest qualifying registration (sent to the app, or executed by its owner
 *    contract; never the DstackKms factory transaction) is reused without a new transaction.
 * 3. Device not allowed → `addDevice(device)` is needed first.
 * 4. No key, or the signer is not `owner()` → `OwnerActionRequiredError` with the calldata to submit.
 * 5. The owner signs: each needed transaction is sent once (a pending one of an earlier run is waited
 *    for instead), `addDevice` before `addComposeHash`, and must succeed; the registration must carry
 *    the app's `ComposeHashAdded` log.
 */
export async function registerComposeHash(
  params: RegisterComposeHashParams,
): Promise<RegisterComposeHashResult> {
  const composeHash = normalizeComposeHash(params.composeHash);
  const deviceId = params.deviceId ? normalizeDeviceId(params.deviceId) : undefined;
  const validated = validateParams(params);
  const { contract, timeoutMs, pollIntervalMs } = validated;
  const progress = params.onProgress;
  const rpcOrigin = redactRpcUrl(params.rpcUrl);
  const transport = rpcTransport(params.rpcUrl);
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

  const owner = await readOwner(context, contract);
  const account = params.privateKey ? privateKeyToAccount(params.privateKey) : undefined;
  const signerOwns = sameHex(account?.address, owner);
  const deviceAllowed = deviceId === undefined ? true : await isDeviceAllowed(context, contract, deviceId);
  if (deviceAllowed === undefined) {
    progress?.(
      `The app contract ${contract} has no device policy (allowAnyDevice/allowedDeviceIds); device not checked`,
    );
  }

  let search: FindRegistrationResult | undefined;
  if (await isComposeHashAllowed(context, contract, composeHash)) {
    progress?.(
      `Compose hash ${composeHash} is already allowed on ${contract}; looking for a qualifying registration`,
    );
    search = await findRegistration(context, {
      contract,
      composeHash,
      owner,
      windowBlocks: params.logWindowBlocks,
      // An owning signer only needs to find its own recent transaction (a crash after it was mined);
      // beyond that a fresh addComposeHash is cheaper than a long search.
      maxBlocks: Math.min(
        params.logSearchBlocks ?? DEFAULT_LOG_SEARCH_BLOCKS,
        signerOwns ? OWNER_SIGNER_SEARCH_BLOCKS : Number.POSITIVE_INFINITY,
      ),
      onProgress: progress,
    });
    for (const rejected of search.rejected) {
      progress?.(
        `Transaction ${rejected.transactionHash} added the hash but does not qualify: ${rejected.reason}`,
      );
    }
  }
  const found = search?.registration;
  if (found && deviceAllowed !== false) {
    progress?.(`Found registration in transaction ${found.transactionHash} (block ${found.blockNumber})`);
    return {
      transactionHash: found.transactionHash,
      blockNumber: found.blockNumber.toString(),
      sentTransaction: false,
    };
  }

  const needed: [AppWrite, `0x${string}`][] = [];
  if (deviceAllowed === false && deviceId) needed.push(["addDevice", deviceId]);
  if (!found) needed.push(["addComposeHash", composeHash]);
  if (!account || !signerOwns) {
    throw new OwnerActionRequiredError({
      composeHash,
      contract,
      chainId,
      owner,
      signer: account?.address,
      actions: needed.map(([functionName, argument]) => ({
        functionName,
        argument,
        calldata: appCalldata(functionName, argument),
      })) satisfies OwnerAction[],
      note: ownerActionNote(deviceAllowed === false ? deviceId : undefined, search),
    });
  }

  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [params.rpcUrl] } },
  });
  const send = (functionName: AppWrite, argument: `0x${string}`) =>
    sendAppTransaction(context, {
      rpcUrl: params.rpcUrl,
      chain,
      transport,
      account,
      contract,
      functionName,
      argument,
      onProgress: progress,
    });
  const sent = [];
  for (const [functionName, argument] of needed)
    sent.push({ functionName, ...(await send(functionName, argument)) });
  const wait = async (transactionHash: `0x${string}`) => {
    progress?.(`Waiting for the receipt of ${transactionHash} (up to ${timeoutMs} ms)`);
    return waitForReceipt(context, { transactionHash, timeoutMs, pollIntervalMs });
  };

  let deviceTransactionHash: `0x${string}` | undefined;
  let registration:
    | { transactionHash: `0x${string}`; blockNumber: string; sentTransaction: boolean }
    | undefined = found && {
    transactionHash: found.transactionHash,
    blockNumber: found.blockNumber.toString(),
    sentTransaction: false,
  };
  for (const tx of sent) {
    const receipt = await wait(tx.transactionHash);
    if (tx.functionName === "addDevice") {
      if (receipt.status !== "success")
        throw new TransactionRevertedError(tx.transactionHash, "status reverted", "addDevice");
      deviceTransactionHash = tx.transactionHash;
      progress?.(`Device ${deviceId} allowed in block ${receipt.blockNumber}`);
    } else {
      assertRegistrationReceipt(receipt, contract, composeHash);
      progress?.(`Compose hash ${composeHash} registered in block ${receipt.blockNumber}`);
      registration = {
        transactionHash: tx.transactionHash,
        blockNumber: receipt.blockNumber.toString(),
        sentTransaction: tx.sent,
      };
    }
  }
  if (!registration)
    throw new InvalidChainParamsError("composeHash", "internal: no registration was sent or found");
  return { ...registration, ...(deviceTransactionHash ? { deviceTransactionHash } : {}) };
}

/** Why the owner must act beyond an unregistered hash: a device to allow, or an allowed hash without proof. */
function ownerActionNote(
  deviceId: `0x${string}` | undefined,
  search: FindRegistrationResult | undefined,
): string | undefined {
  const notes: string[] = [];
  if (deviceId)
    notes.push(`The CVM's device ${deviceId} is not allowed by the app (allowAnyDevice is false).`);
  if (search && !search.registration) {
    const rejected = search.rejected.map((r) => `${r.transactionHash} (${r.reason})`).join("; ");
    notes.push(
      `The hash is already allowed, but no transaction in blocks ${search.fromBlock}..${search.toBlock} proves it the way ` +
        "the API checks it (a successful transaction to the app contract, or executed by its owner contract, with the " +
        `app's ComposeHashAdded log)${rejected ? `; found only ${rejected}` : ""}. A new addComposeHash is that proof.`,
    );
  }
  return notes.length > 0 ? notes.join(" ") : undefined;
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
