/**
 * Errors of the chain step. Every message says what to do next and none contains the signer key or
 * the RPC URL (only its `scheme://host`, see `redactRpcUrl`). Causes from viem are reduced to a short
 * redacted description (`causeDescription`) instead of being attached, because viem errors embed the
 * RPC URL and request bodies.
 */

import { PhalaError } from "../phala-error";
import type { AppWrite } from "./abi";

export class PhalaChainError extends PhalaError {}

/** A compose hash that is not 32 bytes of hex (with or without 0x). Raised before any RPC call. */
export class InvalidComposeHashError extends PhalaChainError {
  constructor(readonly input: string) {
    super(
      `Invalid compose hash ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)}: expected 64 hex characters (32 bytes), with or without a 0x prefix, as returned by the Phala Cloud API.`,
    );
  }
}

/** Any other malformed input (contract address, chain id, RPC URL, key, timeouts). Raised before any RPC call. */
export class InvalidChainParamsError extends PhalaChainError {
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`Invalid ${parameter}: ${problem}`);
  }
}

/** The RPC endpoint serves another chain than the CVM's KMS (`kms_info.chain_id`). Nothing was sent. */
export class ChainIdMismatchError extends PhalaChainError {
  constructor(
    readonly expected: number,
    readonly actual: number,
    readonly rpcOrigin: string,
  ) {
    super(
      `The RPC endpoint ${rpcOrigin} serves chain ${actual}, but the CVM's KMS lives on chain ${expected}. ` +
        `Configure an RPC URL for chain ${expected}; nothing was sent.`,
    );
  }
}

/** No contract code at the app contract address on this chain. */
export class AppContractNotFoundError extends PhalaChainError {
  constructor(
    readonly contract: `0x${string}`,
    readonly chainId: number,
  ) {
    super(
      `No contract is deployed at ${contract} on chain ${chainId}. The app id of the CVM should be its DstackApp ` +
        "address on the KMS chain; check the RPC URL and the CVM's app id. Nothing was sent.",
    );
  }
}

type OwnerActionReason = "no-signer" | "signer-not-owner";

/** One transaction the owner must submit to the app contract (value 0). */
export interface OwnerAction {
  functionName: AppWrite;
  /** The bytes32 argument: the device id or the compose hash. */
  argument: `0x${string}`;
  calldata: `0x${string}`;
}

/**
 * The app contract's owner must act, and this process cannot do it: either no signer key is configured,
 * or the signer is not `owner()` (a Safe, a DAO, another key). `actions` lists the transactions in the
 * order to submit them (`addDevice` before `addComposeHash`).
 */
export class OwnerActionRequiredError extends PhalaChainError {
  readonly composeHash: `0x${string}`;
  readonly contract: `0x${string}`;
  readonly chainId: number;
  readonly actions: readonly OwnerAction[];
  /** Calldata of the `addComposeHash` action, or of the only action when the hash needs none. */
  readonly calldata: `0x${string}`;
  readonly owner: `0x${string}`;
  readonly signer: `0x${string}` | undefined;
  readonly reason: OwnerActionReason;
  constructor(fields: {
    composeHash: `0x${string}`;
    contract: `0x${string}`;
    chainId: number;
    actions: readonly OwnerAction[];
    owner: `0x${string}`;
    signer?: `0x${string}`;
    /** Why the actions are needed, when it is not simply an unregistered hash. */
    note?: string;
  }) {
    const reason: OwnerActionReason = fields.signer ? "signer-not-owner" : "no-signer";
    const why =
      reason === "no-signer"
        ? "No signer key is configured, so the provider does not send transactions."
        : `The configured signer ${fields.signer} is not the contract owner.`;
    const steps = fields.actions.map(
      (action, i) =>
        `${fields.actions.length > 1 ? `${i + 1}. ` : ""}to ${fields.contract}, value 0, data ${action.calldata} ` +
        `(${action.functionName}(${action.argument}))`,
    );
    super(
      `Compose hash ${fields.composeHash} needs the owner ${fields.owner} of the DstackApp contract ${fields.contract} ` +
        `(chain ${fields.chainId}) to act. ${why}${fields.note ? ` ${fields.note}` : ""} ` +
        `Submit ${steps.length > 1 ? "these transactions, in this order (for a Safe, one Transaction Builder batch)" : "this transaction"} ` +
        `from the owner account: ${steps.join("; ")}. Once mined, run \`pulumi up\` again: it finds the registration ` +
        "on-chain and completes the update without sending another transaction.",
    );
    this.composeHash = fields.composeHash;
    this.contract = fields.contract;
    this.chainId = fields.chainId;
    this.actions = fields.actions;
    const first = fields.actions.find((a) => a.functionName === "addComposeHash") ?? fields.actions[0];
    this.calldata = first?.calldata ?? "0x";
    this.owner = fields.owner;
    this.signer = fields.signer;
    this.reason = reason;
  }
}

/**
 * The signer has pending transactions the RPC does not let us inspect (no pending block contents, no
 * txpool): one of them may be an earlier run's registration, so nothing is sent.
 */
export class PendingTransactionsError extends PhalaChainError {
  constructor(
    readonly signer: `0x${string}`,
    readonly pendingCount: number,
    readonly chainId: number,
    readonly rpcOrigin: string,
  ) {
    super(
      `The signer ${signer} has ${pendingCount} pending transaction(s) on chain ${chainId} that ${rpcOrigin} does not ` +
        "let the provider inspect (neither the pending block's transactions nor txpool_content). One may be an " +
        "addComposeHash or addDevice sent by an earlier run, so nothing was sent, to avoid paying twice. Wait until " +
        "they are mined or dropped, then run `pulumi up` again.",
    );
  }
}

/**
 * `addComposeHash` reverted: at gas estimation (nothing sent, `transactionHash` undefined) or on-chain
 * (mined with status reverted).
 */
export class TransactionRevertedError extends PhalaChainError {
  constructor(
    readonly transactionHash: `0x${string}` | undefined,
    readonly causeDescription: string,
    readonly functionName: AppWrite = "addComposeHash",
  ) {
    super(
      transactionHash
        ? `The ${functionName} transaction ${transactionHash} was mined but reverted (${causeDescription}). ` +
            "Check that the signer still owns the contract, then run `pulumi up` again."
        : `${functionName} would revert (${causeDescription}); nothing was sent. ` +
            "Check that the signer owns the contract and has funds for gas, then run `pulumi up` again.",
    );
  }
}

/**
 * The node did not accept the transaction (and does not know it), e.g. insufficient funds, fee too low,
 * nonce conflict. Not retried automatically: a blind re-send could pay twice.
 */
export class TransactionSendError extends PhalaChainError {
  constructor(
    readonly transactionHash: `0x${string}`,
    readonly causeDescription: string,
    readonly functionName: AppWrite = "addComposeHash",
  ) {
    super(
      `The node rejected the ${functionName} transaction ${transactionHash} (${causeDescription}). ` +
        "It was not retried. Fix the cause (funds for gas, pending transactions of the signer) and run `pulumi up` again; " +
        "an already registered hash is detected and not paid for twice.",
    );
  }
}

/** The transaction was sent but no receipt arrived in time. Pass `transactionHash` to a later run to resume. */
export class ReceiptTimeoutError extends PhalaChainError {
  constructor(
    readonly transactionHash: `0x${string}`,
    readonly timeoutMs: number,
  ) {
    super(
      `No receipt for transaction ${transactionHash} within ${timeoutMs} ms. ` +
        "The transaction may still be mined: run `pulumi up` again; a pending transaction is waited for and a mined " +
        "registration is found on-chain, so no second transaction is paid for.",
    );
  }
}

/** No receipt, and the node no longer knows the transaction: dropped from its pool or lost on the way. */
export class TransactionDroppedError extends ReceiptTimeoutError {
  constructor(transactionHash: `0x${string}`, timeoutMs: number) {
    super(transactionHash, timeoutMs);
    this.message =
      `Transaction ${transactionHash} was not mined within ${timeoutMs} ms and the node no longer knows it ` +
      "(dropped from its pool, or lost on the way); it registered nothing. Run `pulumi up` again: a new " +
      "transaction takes its nonce, so none of the signer's later transactions waits behind it.";
  }
}

/** A successful receipt without the expected `ComposeHashAdded` log from the app contract. */
export class ComposeHashEventMissingError extends PhalaChainError {
  constructor(
    readonly transactionHash: `0x${string}`,
    readonly composeHash: `0x${string}`,
    readonly contract: `0x${string}`,
  ) {
    super(
      `Transaction ${transactionHash} succeeded but emitted no ComposeHashAdded(${composeHash}) log from ${contract}; ` +
        "the contract does not behave like a DstackApp. Check the CVM's app id and chain.",
    );
  }
}

/** An RPC call failed (network, node error). */
export class ChainRpcError extends PhalaChainError {
  constructor(
    readonly operation: string,
    readonly rpcOrigin: string,
    readonly causeDescription: string,
  ) {
    super(`RPC call failed while ${operation} (${rpcOrigin}): ${causeDescription}`);
  }
}
