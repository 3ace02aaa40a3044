import { getAbiItem, getAddress, isAddress } from "viem";
import { z } from "zod";
import { dstackAppAbi } from "../chain/abi";
import type { OwnerAction } from "../chain/errors";
import { txBuilderChecksum } from "./tx-builder-checksum";

/** The Transaction Builder version whose file layout this module writes. */
const TX_BUILDER_VERSION = "1.18.0";

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "expected a 20-byte address");
const hex = z.string().regex(/^0x(?:[0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex");

const batchTransactionSchema = z.object({
  to: address,
  value: z.string().regex(/^\d+$/, "expected a decimal string"),
  data: hex,
  contractMethod: z.object({
    inputs: z.array(z.object({ internalType: z.string(), name: z.string(), type: z.string() })),
    name: z.string().min(1),
    payable: z.boolean(),
  }),
  contractInputsValues: z.record(z.string(), z.string()),
});

/**
 * A Safe Transaction Builder batch file (`version` "1.0"), as the Safe app's Transaction Builder imports
 * it, with the checksum it verifies on import.
 */
export const safeBatchFileSchema = z
  .object({
    version: z.literal("1.0"),
    chainId: z.string().regex(/^[1-9]\d*$/, "expected a decimal chain id"),
    createdAt: z.number().int().nonnegative(),
    meta: z.object({
      name: z.string().min(1),
      description: z.string(),
      txBuilderVersion: z.string(),
      createdFromSafeAddress: address,
      createdFromOwnerAddress: z.string(),
      checksum: bytes32,
    }),
    transactions: z.array(batchTransactionSchema).min(1),
  })
  .refine((file) => file.meta.checksum === txBuilderChecksum(file), {
    message: "meta.checksum is not the Transaction Builder checksum of the file",
    path: ["meta", "checksum"],
  });

export type SafeBatchFile = z.infer<typeof safeBatchFileSchema>;

interface SafeBatchRequest {
  readonly chainId: number;
  /** The Safe that owns the app contract. */
  readonly safe: `0x${string}`;
  /** The app contract every action goes to. */
  readonly contract: `0x${string}`;
  /** In order: `addDevice` when the device is new, then `addComposeHash`. */
  readonly actions: readonly OwnerAction[];
  /** Milliseconds since the epoch (the Transaction Builder's `createdAt`). */
  readonly createdAt: number;
  readonly name: string;
  readonly description: string;
}

/** Builds and validates the batch file for the owner's calls. Pure: no clock, no I/O. */
export function buildSafeBatch(request: SafeBatchRequest): SafeBatchFile {
  const unsigned = {
    version: "1.0" as const,
    chainId: String(request.chainId),
    createdAt: request.createdAt,
    meta: {
      name: request.name,
      description: request.description,
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: getAddress(request.safe),
      createdFromOwnerAddress: "",
    },
    transactions: request.actions.map((action) => batchTransaction(request.contract, action)),
  };
  return safeBatchFileSchema.parse({
    ...unsigned,
    meta: { ...unsigned.meta, checksum: txBuilderChecksum(unsigned) },
  });
}

/** One Transaction Builder entry: the raw calldata plus the decoded method, as the Safe app shows it. */
function batchTransaction(contract: `0x${string}`, action: OwnerAction) {
  const method = getAbiItem({ abi: dstackAppAbi, name: action.functionName });
  const [input] = method.inputs;
  return {
    to: getAddress(contract),
    value: "0",
    data: action.calldata,
    contractMethod: {
      inputs: method.inputs.map((i) => ({ internalType: i.type, name: i.name, type: i.type })),
      name: method.name,
      payable: false,
    },
    contractInputsValues: { [input.name]: action.argument },
  };
}
