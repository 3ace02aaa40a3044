import type * as pulumi from "@pulumi/pulumi";
import type { KmsOnChainDetail } from "../../provider/api";
import {
  type ConnectionArgs,
  connectionArgShape,
  invokeOutput,
  type OutputArgs,
  type PhalaInvokeOptions,
  type PhalaInvokeOutputOptions,
  prepareCall,
} from "./invoke";
import { lazySchema } from "./lazy-schema";
import { reportedKmsPublicKey } from "./reported-kms-public-key";

/** Chains with an on-chain Phala KMS. */
export const KMS_CHAINS = ["ethereum", "base"] as const;

export type KmsChain = (typeof KMS_CHAINS)[number];

export interface GetKmsOnChainDetailArgs extends ConnectionArgs {
  /** Chain name: `ethereum` or `base`. */
  chain: KmsChain;
}

export type GetKmsOnChainDetailOutputArgs = OutputArgs<GetKmsOnChainDetailArgs>;

/** A TEE device (host) known to a KMS contract. */
export interface KmsDevice {
  /** Device id as hex. */
  deviceId: string;
  /** Name of the Phala node the device belongs to; null when unknown. */
  nodeName: string | null;
  /** Whether the KMS contract allows the device; null when the API does not know. */
  onChainAllowed: boolean | null;
}

/** An OS image known to a KMS contract. */
export interface KmsOsImage {
  /** Image name, e.g. `dstack-0.5.3`. */
  name: string;
  /** Image version. */
  version: string;
  /** Hash the KMS contract registers for the image; null when unknown. */
  osImageHash: string | null;
  /** Whether the KMS contract allows the image; null when the API does not know. */
  onChainAllowed: boolean | null;
}

/** One DstackKms (KmsAuth) contract on the chain. */
export interface KmsContract {
  /** Address of the DstackKms contract. */
  contractAddress: string;
  /** Chain id the contract lives on. */
  chainId: number;
  /** Chain name as the API reports it. */
  chainName: string;
  /** The contract's KMS signing key (secp256k1, SEC1 hex); null when the API does not report it. */
  kmsPublicKey: string | null;
  /** Devices registered with the contract. */
  devices: KmsDevice[];
  /** OS images registered with the contract. */
  osImages: KmsOsImage[];
}

export interface GetKmsOnChainDetailResult {
  /** Chain name as the API reports it. */
  chainName: string;
  /** Chain id (1 Ethereum, 8453 Base). */
  chainId: number;
  /** The chain's KMS contracts with their devices and OS images. */
  contracts: KmsContract[];
}

const FUNCTION = "getKmsOnChainDetail";

const argsSchema = lazySchema((z) =>
  z.strictObject({
    chain: z.enum(KMS_CHAINS, { error: `must be one of ${KMS_CHAINS.join(", ")}` }),
    ...connectionArgShape(),
  }),
);

function toResult(detail: KmsOnChainDetail): GetKmsOnChainDetailResult {
  return {
    chainName: detail.chainName,
    chainId: detail.chainId,
    contracts: detail.contracts.map((contract) => ({
      contractAddress: contract.contractAddress,
      chainId: contract.chainId,
      chainName: contract.chainName,
      kmsPublicKey: reportedKmsPublicKey(contract),
      devices: contract.devices.map((device) => ({
        deviceId: device.deviceId,
        nodeName: device.nodeName ?? null,
        onChainAllowed: device.onChainAllowed ?? null,
      })),
      osImages: contract.osImages.map((image) => ({
        name: image.name,
        version: image.version,
        osImageHash: image.osImageHash ?? null,
        onChainAllowed: image.onChainAllowed ?? null,
      })),
    })),
  };
}

/** The on-chain KMS of a chain (`GET /kms/on-chain/{chain}`): contracts, devices and OS images. */
export async function getKmsOnChainDetail(
  args: GetKmsOnChainDetailArgs,
  options?: PhalaInvokeOptions,
): Promise<GetKmsOnChainDetailResult> {
  const { args: parsed, client } = prepareCall(FUNCTION, argsSchema, args, options);
  return toResult(await client.getKmsOnChainDetail(parsed.chain));
}

/** Output form of {@link getKmsOnChainDetail}: arguments may be Inputs. */
export function getKmsOnChainDetailOutput(
  args: GetKmsOnChainDetailOutputArgs,
  options?: PhalaInvokeOutputOptions,
): pulumi.Output<GetKmsOnChainDetailResult> {
  return invokeOutput(getKmsOnChainDetail, args, options);
}
