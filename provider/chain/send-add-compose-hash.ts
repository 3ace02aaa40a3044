import {
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createWalletClient,
  encodeFunctionData,
  type HttpTransport,
  keccak256,
  type PrivateKeyAccount,
} from "viem";
import { dstackAppAbi } from "./abi";
import { ChainRpcError, PhalaChainError, TransactionRevertedError, TransactionSendError } from "./errors";
import { describeCause } from "./redact";
import { type ChainContext, rpcCall } from "./rpc-call";
import { signerLockKey, withSignerLock } from "./signer-lock";

export interface SendAddComposeHashParams {
  rpcUrl: string;
  chain: Chain;
  transport: HttpTransport;
  account: PrivateKeyAccount;
  contract: `0x${string}`;
  composeHash: `0x${string}`;
  onProgress?: ((message: string) => void) | undefined;
}

/**
 * Lowest nonce this process may use next per signer key, as a floor under the node's pending count: a
 * load-balanced RPC can answer `eth_getTransactionCount(pending)` from a backend that has not seen our
 * previous transaction yet.
 */
const nextNonceFloor = new Map<string, number>();

/**
 * Estimates, signs and sends `addComposeHash(composeHash)` once; returns the transaction hash.
 *
 * Nonce safety: estimate/nonce/sign/send run under a per-(RPC URL, chain, signer) lock, so concurrent
 * calls in this process get consecutive nonces. The lock is released as soon as the node accepted the
 * transaction; receipt waits run in parallel. viem's `nonceManager` was not used: it keeps a local
 * delta that drifts when a send fails after the nonce was consumed, and it does not serialise gas
 * estimation, so a failed send could leave later nonces with a gap.
 *
 * Never re-sends: the hash is computed locally before sending, and when `eth_sendRawTransaction`
 * fails the node is asked whether it knows the transaction anyway (a lost response) before reporting
 * `TransactionSendError`.
 */
export async function sendAddComposeHash(
  context: ChainContext,
  params: SendAddComposeHashParams,
): Promise<`0x${string}`> {
  const { account, contract, composeHash } = params;
  const key = signerLockKey(params.rpcUrl, params.chain.id, account.address);
  return withSignerLock(key, async () => {
    const wallet = createWalletClient({ account, chain: params.chain, transport: params.transport });
    const data = encodeFunctionData({
      abi: dstackAppAbi,
      functionName: "addComposeHash",
      args: [composeHash],
    });

    let gas: bigint;
    try {
      gas = await context.client.estimateContractGas({
        address: contract,
        abi: dstackAppAbi,
        functionName: "addComposeHash",
        args: [composeHash],
        account,
      });
    } catch (error) {
      const reverted = revertDescription(error);
      if (reverted !== undefined) throw new TransactionRevertedError(undefined, reverted);
      throw new ChainRpcError(
        "estimating gas for addComposeHash",
        context.rpcOrigin,
        describeCause(error, context.secrets),
      );
    }

    const pending = await rpcCall(context, "reading the signer nonce", () =>
      context.client.getTransactionCount({ address: account.address, blockTag: "pending" }),
    );
    const nonce = Math.max(pending, nextNonceFloor.get(key) ?? 0);

    const serialized = await rpcCall(context, "preparing the addComposeHash transaction", async () => {
      const request = await wallet.prepareTransactionRequest({ to: contract, data, gas, nonce, value: 0n });
      return wallet.signTransaction(request);
    });
    const hash = keccak256(serialized);
    params.onProgress?.(
      `Sending addComposeHash(${composeHash}) to ${contract} as transaction ${hash} (nonce ${nonce})`,
    );

    try {
      await wallet.sendRawTransaction({ serializedTransaction: serialized });
    } catch (error) {
      if (error instanceof PhalaChainError) throw error;
      const known = await context.client.getTransaction({ hash }).then(
        () => true,
        () => false,
      );
      if (!known) throw new TransactionSendError(hash, describeCause(error, context.secrets));
      params.onProgress?.(`The node reported an error but knows transaction ${hash}; waiting for it`);
    }
    nextNonceFloor.set(key, nonce + 1);
    return hash;
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
