/**
 * Errors of the chain step. Every message says what to do next and none contains the signer key or
 * the RPC URL (only its `scheme://host`, see `redactRpcUrl`). Causes from viem are reduced to a short
 * redacted description (`causeDescription`) instead of being attached, because viem errors embed the
 * RPC URL and request bodies.
 */
export class PhalaChainError extends Error {
  override name = "PhalaChainError";
}

/** A compose hash that is not 32 bytes of hex (with or without 0x). Raised before any RPC call. */
export class InvalidComposeHashError extends PhalaChainError {
  override name = "InvalidComposeHashError";
  constructor(readonly input: string) {
    super(
      `Invalid compose hash ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)}: expected 64 hex characters (32 bytes), with or without a 0x prefix, as returned by the Phala Cloud API.`,
    );
  }
}

/** Any other malformed input (contract address, chain id, RPC URL, key, timeouts). Raised before any RPC call. */
export class InvalidChainParamsError extends PhalaChainError {
  override name = "InvalidChainParamsError";
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`Invalid ${parameter}: ${problem}`);
  }
}

/** The RPC endpoint serves another chain than the CVM's KMS (`kms_info.chain_id`). Nothing was sent. */
export class ChainIdMismatchError extends PhalaChainError {
  override name = "ChainIdMismatchError";
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
  override name = "AppContractNotFoundError";
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

export type OwnerActionReason = "no-signer" | "signer-not-owner";

/**
 * The compose hash must be registered by the contract owner, and this process cannot do it: either no
 * signer key is configured, or the signer is not `owner()` (a Safe, a DAO, another key).
 */
export class OwnerActionRequiredError extends PhalaChainError {
  override name = "OwnerActionRequiredError";
  readonly composeHash: `0x${string}`;
  readonly contract: `0x${string}`;
  readonly chainId: number;
  readonly calldata: `0x${string}`;
  readonly owner: `0x${string}`;
  readonly signer: `0x${string}` | undefined;
  readonly reason: OwnerActionReason;
  constructor(fields: {
    composeHash: `0x${string}`;
    contract: `0x${string}`;
    chainId: number;
    calldata: `0x${string}`;
    owner: `0x${string}`;
    signer?: `0x${string}` | undefined;
  }) {
    const reason: OwnerActionReason = fields.signer ? "signer-not-owner" : "no-signer";
    const why =
      reason === "no-signer"
        ? "No signer key is configured, so the provider does not send transactions."
        : `The configured signer ${fields.signer} is not the contract owner.`;
    super(
      `Compose hash ${fields.composeHash} must be registered on the DstackApp contract ${fields.contract} ` +
        `(chain ${fields.chainId}) by its owner ${fields.owner}. ${why} ` +
        `Submit this transaction from the owner account: to ${fields.contract}, value 0, data ${fields.calldata} ` +
        `(addComposeHash(bytes32)). Once it is mined, run \`pulumi up\` again: it finds the registration on-chain ` +
        "and completes the update without sending another transaction.",
    );
    this.composeHash = fields.composeHash;
    this.contract = fields.contract;
    this.chainId = fields.chainId;
    this.calldata = fields.calldata;
    this.owner = fields.owner;
    this.signer = fields.signer;
    this.reason = reason;
  }
}

/**
 * `addComposeHash` reverted: at gas estimation (nothing sent, `transactionHash` undefined) or on-chain
 * (mined with status reverted).
 */
export class TransactionRevertedError extends PhalaChainError {
  override name = "TransactionRevertedError";
  constructor(
    readonly transactionHash: `0x${string}` | undefined,
    readonly causeDescription: string,
  ) {
    super(
      transactionHash
        ? `The addComposeHash transaction ${transactionHash} was mined but reverted (${causeDescription}). ` +
            "Check that the signer still owns the contract, then run `pulumi up` again."
        : `addComposeHash would revert (${causeDescription}); nothing was sent. ` +
            "Check that the signer owns the contract and has funds for gas, then run `pulumi up` again.",
    );
  }
}

/**
 * The node did not accept the transaction (and does not know it), e.g. insufficient funds, fee too low,
 * nonce conflict. Not retried automatically: a blind re-send could pay twice.
 */
export class TransactionSendError extends PhalaChainError {
  override name = "TransactionSendError";
  constructor(
    readonly transactionHash: `0x${string}`,
    readonly causeDescription: string,
  ) {
    super(
      `The node rejected the addComposeHash transaction ${transactionHash} (${causeDescription}). ` +
        "It was not retried. Fix the cause (funds for gas, pending transactions of the signer) and run `pulumi up` again; " +
        "an already registered hash is detected and not paid for twice.",
    );
  }
}

/** The transaction was sent but no receipt arrived in time. Pass `transactionHash` to a later run to resume. */
export class ReceiptTimeoutError extends PhalaChainError {
  override name = "ReceiptTimeoutError";
  constructor(
    readonly transactionHash: `0x${string}`,
    readonly timeoutMs: number,
  ) {
    super(
      `No receipt for the addComposeHash transaction ${transactionHash} within ${timeoutMs} ms. ` +
        "The transaction may still be mined: run `pulumi up` again later; once it is mined the registration is found " +
        "on-chain and the update completes without a new transaction.",
    );
  }
}

/** The hash is allowed on-chain, but no `ComposeHashAdded` log for it was found in the searched blocks. */
export class RegistrationNotFoundError extends PhalaChainError {
  override name = "RegistrationNotFoundError";
  constructor(
    readonly composeHash: `0x${string}`,
    readonly contract: `0x${string}`,
    readonly chainId: number,
    readonly fromBlock: string,
    readonly toBlock: string,
  ) {
    super(
      `Compose hash ${composeHash} is already allowed on ${contract} (chain ${chainId}), but no ComposeHashAdded ` +
        `log for it was found in blocks ${fromBlock}..${toBlock}. Pass the registering transaction hash explicitly, ` +
        "or widen the log search range.",
    );
  }
}

/** A successful receipt without the expected `ComposeHashAdded` log from the app contract. */
export class ComposeHashEventMissingError extends PhalaChainError {
  override name = "ComposeHashEventMissingError";
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
  override name = "ChainRpcError";
  constructor(
    readonly operation: string,
    readonly rpcOrigin: string,
    readonly causeDescription: string,
  ) {
    super(`RPC call failed while ${operation} (${rpcOrigin}): ${causeDescription}`);
  }
}
