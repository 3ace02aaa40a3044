import { createPublicClient, isAddress } from "viem";
import { redactRpcUrl, rpcUrlSecrets } from "../redact";
import { checkChainId } from "./check-chain-id";
import { InvalidChainParamsError } from "./errors";
import { readKmsSigningKey } from "./read-app-state";
import { rpcTransport } from "./rpc-transport";

interface KmsSigningKeyParams {
  rpcUrl: string;
  /** The KMS's chain; the RPC's `eth_chainId` must equal it. */
  expectedChainId: number;
  /** The DstackKms contract (the CVM's `kms_info.dstack_kms_address`). */
  kmsContract: string;
}

/**
 * The KMS's secp256k1 signing key as `DstackKms.kmsInfo()` holds it on the KMS's own chain (the RPC
 * must serve that chain); undefined when the contract has none set.
 */
export async function kmsSigningKeyOnChain(params: KmsSigningKeyParams): Promise<`0x${string}` | undefined> {
  if (!isAddress(params.kmsContract, { strict: false })) {
    throw new InvalidChainParamsError("kmsContract", "expected a 0x-prefixed 20-byte address");
  }
  const context = {
    client: createPublicClient({ transport: rpcTransport(params.rpcUrl) }),
    rpcOrigin: redactRpcUrl(params.rpcUrl),
    secrets: rpcUrlSecrets(params.rpcUrl),
  };
  await checkChainId(context, params.expectedChainId);
  return readKmsSigningKey(context, params.kmsContract as `0x${string}`);
}
