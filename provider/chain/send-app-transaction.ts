import {
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createWalletClient,
  type HttpTransport,
  keccak256,
  type PrivateKeyAccount,
} from "viem";
import { type AppWrite, dstackAppAbi } from "./abi";
import { appCalldata } from "./compose-hash";
import { describeCause } from "./describe-cause";
import {
  ChainRpcError,
  PendingTransactionsError,
  PhalaChainError,
  TransactionRevertedError,
  TransactionSendError,
} from "./errors";
import { findPendingTransaction } from "./pending-transaction";
import { type ChainContext, isKnownTransaction, rpcCall } from "./rpc-call";
import { nextNonce, recordSent, sentNonce, sentWithCalldata } from "./sent-transactions";
import { signerLockKey, withSignerLock } from "./signer-lock";

interface SendAppTransactionParams {
  rpcUrl: string;
  chain: Chain;
  transport: HttpTransport;
  account: PrivateKeyAccount;
  contract: `0x${string}`;
  functionName: AppWrite;
  /** The bytes32 argument (compose hash or device id), 0x + 64 lowercase hex. */
  argument: `0x${string}`;
  onProgress?: ((message: string) => void) | undefined;
}

interface SentAppTransaction {
  transactionHash: `0x${string}`;
  /** False when a pending transaction with the same calldata was found and is reused. */
  sent: boolean;
}

/**
 * Sends `functionName(argument)` to the app contract once and returns the transaction hash, or the hash
 * of a pending transaction of the signer with the same calldata (an earlier run that crashed or timed
 * out waiting for its receipt): that one is waited for, never doubled.
 *
 * Nonce safety: the pending lookup, estimate, nonce, sign and send run under a per-(RPC URL, chain,
 * signer) lock, so concurrent calls in this process get consecutive nonces and the same calldata is
 * sent once. The lock is released as soon as the node accepted the transaction; receipt waits run in
 * parallel; a failed send does not consume its nonce, and one the node later drops is freed again
 * (`forgetDropped`), so no nonce gap holds back later transactions. viem's `nonceManager` was not used: it keeps a local delta that drifts when a send fails
 * after the nonce was consumed, and it does not serialise gas estimation.
 *
 * Never re-sends: the hash is computed locally before sending, and when `eth_sendRawTransaction`
 * fails the node is asked whether it knows the transaction anyway (a lost response) before reporting
 * `TransactionSendError`.
 */
export async function sendAppTransaction(
  context: ChainContext,
  params: SendAppTransactionParams,
): Promise<SentAppTransaction> {
  const { account, contract, functionName, argument } = params;
  const key = signerLockKey(params.rpcUrl, params.chain.id, account.address);
  const data = appCalldata(functionName, argument);
  return withSignerLock(key, async () => {
    // Once per process: a concurrent resource (another replica of the same app) may have sent it already.
    const sentBefore = sentWithCalldata(key, contract, data);
    if (sentBefore) {
      params.onProgress?.(
        `${functionName}(${argument}) was sent by this run as ${sentBefore.hash}; reusing it`,
      );
      return { transactionHash: sentBefore.hash, sent: false };
    }
    const pending = await findPendingTransaction(context, { signer: account.address, to: contract, data });
    if (pending.kind === "found") {
      params.onProgress?.(
        `A ${functionName}(${argument}) transaction of the signer is pending (${pending.transactionHash}); waiting for it instead of sending another`,
      );
      return { transactionHash: pending.transactionHash, sent: false };
    }
    if (pending.kind === "hidden") {
      const nonces = Array.from({ length: pending.count }, (_, i) => pending.latestNonce + i);
      if (nonces.some((nonce) => !sentNonce(key, nonce))) {
        throw new PendingTransactionsError(
          account.address,
          pending.count,
          params.chain.id,
          context.rpcOrigin,
        );
      }
    }

    const wallet = createWalletClient({ account, chain: params.chain, transport: params.transport });
    let gas: bigint;
    try {
      gas = await context.client.estimateContractGas({
        address: contract,
        abi: dstackAppAbi,
        functionName,
        args: [argument],
        account,
      });
    } catch (error) {
      const reverted = revertDescription(error);
      if (reverted !== undefined) throw new TransactionRevertedError(undefined, reverted, functionName);
      throw new ChainRpcError(
        `estimating gas for ${functionName}`,
        context.rpcOrigin,
        describeCause(error, context.secrets),
      );
    }

    const pendingNonce = await rpcCall(context, "reading the signer nonce", () =>
      context.client.getTransactionCount({ address: account.address, blockTag: "pending" }),
    );
    const nonce = nextNonce(key, pendingNonce);

    const serialized = await rpcCall(context, `preparing the ${functionName} transaction`, async () => {
      const request = await wallet.prepareTransactionRequest({ to: contract, data, gas, nonce, value: 0n });
      return wallet.signTransaction(request);
    });
    const hash = keccak256(serialized);
    params.onProgress?.(
      `Sending ${functionName}(${argument}) to ${contract} as transaction ${hash} (nonce ${nonce})`,
    );

    try {
      await wallet.sendRawTransaction({ serializedTransaction: serialized });
    } catch (error) {
      if (error instanceof PhalaChainError) throw error;
      if (!(await isKnownTransaction(context, hash)))
        throw new TransactionSendError(hash, describeCause(error, context.secrets), functionName);
      params.onProgress?.(`The node reported an error but knows transaction ${hash}; waiting for it`);
    }
    recordSent(key, nonce, { hash, to: contract, data });
    return { transactionHash: hash, sent: true };
  });
}

/** A short revert description when `error` is a contract revert, otherwise undefined. */
function revertDescription(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const decoded = reverted.data;
    if (decoded?.errorName) {
      const args = (decoded.args ?? []).map((arg) => String(arg)).join(", ");
      return `${decoded.errorName}(${args})`;
    }
    return reverted.reason ?? "execution reverted";
  }
  const executionReverted = error.walk((e) => e instanceof BaseError && e.name === "ExecutionRevertedError");
  if (executionReverted instanceof BaseError) return executionReverted.details || "execution reverted";
  return undefined;
}
