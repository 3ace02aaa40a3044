import {
  createPublicClient,
  type Hex,
  http,
  isHash,
  type PublicClient,
  type TransactionReceipt,
  toEventSelector,
} from "viem";
import { dstackAppAbi } from "./dstack-contracts";

const COMPOSE_HASH_ADDED = toEventSelector("ComposeHashAdded(bytes32)");

export type RegistrationCheck =
  | { ok: true; blockNumber: bigint }
  | { ok: false; code: 467 | 468; reason: string };

export type RegistrationQuery = {
  appContract: `0x${string}`;
  /** 64 hex, `0x` optional. */
  composeHash: string;
  transactionHash: string;
};

/**
 * Checks a phase-2 claim against the chain, as the API documents it (ERR-01-007 "did not target the expected
 * DstackApp contract"): the transaction receipt exists and succeeded, and the transaction was sent to the
 * app contract or executed by the app's owner when that owner is a contract (a Safe, a DAO) — else 467. So
 * the DstackKms factory transaction (`deployAndRegisterApp`, sent to DstackKms) never qualifies, although
 * it emits the app's first `ComposeHashAdded`. Then the contract must report the hash as allowed (else 468)
 * and the receipt must carry a `ComposeHashAdded` log for exactly this hash emitted by the app contract
 * (else 467). The contract state is consulted before the log so that a hash that was never (or is no longer)
 * allowed reads as 468. Reads are retried briefly, as the backend does for RPC lag.
 */
export class RegistrationVerifier {
  private readonly client: PublicClient;

  constructor(
    rpcUrl: string,
    private readonly retries = 3,
    private readonly retryDelayMs = 100,
  ) {
    this.client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  }

  async verify(query: RegistrationQuery): Promise<RegistrationCheck> {
    const txHash = query.transactionHash.trim().toLowerCase();
    if (!isHash(txHash)) {
      return { ok: false, code: 467, reason: "transaction_hash is not a 0x-prefixed 32-byte hex string" };
    }
    const composeHash = `0x${query.composeHash.replace(/^0x/i, "").toLowerCase()}` as Hex;
    if (!isHash(composeHash)) return { ok: false, code: 467, reason: "compose hash is not 32 bytes" };
    const receipt = await this.receipt(txHash);
    if (!receipt) return { ok: false, code: 467, reason: `transaction ${txHash} not found` };
    if (receipt.status !== "success")
      return { ok: false, code: 467, reason: `transaction ${txHash} reverted` };
    const contract = query.appContract.toLowerCase();
    const to = receipt.to?.toLowerCase();
    if (to !== contract && !(to && (await this.isOwnerContract(query.appContract, to)))) {
      return {
        ok: false,
        code: 467,
        reason: `transaction ${txHash} did not target the expected DstackApp contract ${contract} (nor its owner contract)`,
      };
    }
    if (!(await this.allowed(query.appContract, composeHash))) {
      return { ok: false, code: 468, reason: `compose hash ${composeHash} is not allowed by ${contract}` };
    }
    const logged = receipt.logs.some(
      (log) =>
        log.address.toLowerCase() === contract &&
        log.topics[0] === COMPOSE_HASH_ADDED &&
        log.data.toLowerCase() === composeHash,
    );
    if (!logged) {
      return {
        ok: false,
        code: 467,
        reason: `transaction ${txHash} has no ComposeHashAdded(${composeHash}) log`,
      };
    }
    return { ok: true, blockNumber: receipt.blockNumber };
  }

  private async receipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        return await this.client.getTransactionReceipt({ hash });
      } catch {
        if (attempt < this.retries) await sleep(this.retryDelayMs);
      }
    }
    return undefined;
  }

  /** Whether `address` is the app's current owner and a contract (code at the address). */
  private async isOwnerContract(app: `0x${string}`, address: string): Promise<boolean> {
    try {
      const owner = await this.client.readContract({
        address: app,
        abi: dstackAppAbi,
        functionName: "owner",
      });
      if (owner.toLowerCase() !== address) return false;
      const code = await this.client.getCode({ address: owner });
      return code !== undefined && code !== "0x";
    } catch {
      return false;
    }
  }

  private async allowed(address: `0x${string}`, hash: Hex): Promise<boolean> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        const ok = await this.client.readContract({
          address,
          abi: dstackAppAbi,
          functionName: "allowedComposeHashes",
          args: [hash],
        });
        if (ok) return true;
      } catch {
        // RPC error: retry
      }
      if (attempt < this.retries) await sleep(this.retryDelayMs);
    }
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
