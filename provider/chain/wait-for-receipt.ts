import type { TransactionReceipt } from "viem";
import { sameHex } from "../normalize";
import { isComposeHashAddedLog } from "./compose-hash-log";
import {
  ComposeHashEventMissingError,
  ReceiptTimeoutError,
  TransactionDroppedError,
  TransactionRevertedError,
} from "./errors";
import { type ChainContext, isKnownTransaction } from "./rpc-call";
import { forgetDropped } from "./sent-transactions";

interface WaitForReceiptParams {
  transactionHash: `0x${string}`;
  timeoutMs: number;
  pollIntervalMs: number;
}

/**
 * Polls `eth_getTransactionReceipt` until a receipt arrives or `timeoutMs` passes. "Receipt not found"
 * and transient RPC failures are expected while the transaction is pending and are swallowed until the
 * deadline; then `ReceiptTimeoutError` carries the hash so a later run can pick it up, or, when the
 * node no longer knows the transaction, `TransactionDroppedError`, and its nonce is free again.
 */
export async function waitForReceipt(
  context: ChainContext,
  params: WaitForReceiptParams,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + params.timeoutMs;
  for (;;) {
    try {
      return await context.client.getTransactionReceipt({ hash: params.transactionHash });
    } catch {
      // Not mined yet, or a transient RPC failure: keep polling until the deadline.
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      if (await isKnownTransaction(context, params.transactionHash))
        throw new ReceiptTimeoutError(params.transactionHash, params.timeoutMs);
      forgetDropped(params.transactionHash);
      throw new TransactionDroppedError(params.transactionHash, params.timeoutMs);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(params.pollIntervalMs, remaining)));
  }
}

/**
 * Checks a mined `addComposeHash` receipt: status success and a `ComposeHashAdded(composeHash)` log
 * from `contract`.
 */
export function assertRegistrationReceipt(
  receipt: TransactionReceipt,
  contract: `0x${string}`,
  composeHash: `0x${string}`,
): void {
  if (receipt.status !== "success")
    throw new TransactionRevertedError(receipt.transactionHash, "status reverted");
  if (!receipt.logs.some((log) => isComposeHashAddedLog(log, contract, composeHash))) {
    throw new ComposeHashEventMissingError(receipt.transactionHash, composeHash, contract);
  }
}

/**
 * Whether a mined receipt registered `composeHash` on `contract` by a transaction sent to the contract
 * (no throw). A transaction sent elsewhere (the DstackKms factory, an owner contract) is left to the
 * log search, which knows the owner.
 */
export function isRegistrationReceipt(
  receipt: TransactionReceipt,
  contract: `0x${string}`,
  composeHash: `0x${string}`,
): boolean {
  return (
    receipt.status === "success" &&
    sameHex(receipt.to, contract) &&
    receipt.logs.some((log) => isComposeHashAddedLog(log, contract, composeHash))
  );
}
