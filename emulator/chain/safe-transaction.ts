import { concatHex, encodeFunctionData, encodePacked, getAddress, type Hex, parseAbi, size } from "viem";

/** Safe `Enum.Operation`: 0 = CALL, 1 = DELEGATECALL. */
export const CALL = 0;
export const DELEGATECALL = 1;

/** One call the Safe makes (a Transaction Builder batch entry, reduced to what the chain sees). */
export type SafeCall = { to: `0x${string}`; value: bigint; data: Hex };

/** The calls of a Transaction Builder batch file's `transactions`, as the Safe app reads them (`to`, `value`, `data`). */
export function callsOfBatch(
  transactions: readonly { to: string; value: string; data: string }[],
): SafeCall[] {
  return transactions.map((t) => ({ to: getAddress(t.to), value: BigInt(t.value), data: t.data as Hex }));
}

/** The Safe v1.4.1 `SafeTx` struct (EIP-712), without refunds: gas fields and refund tokens are zero. */
export type SafeTransaction = {
  to: `0x${string}`;
  value: bigint;
  data: Hex;
  operation: typeof CALL | typeof DELEGATECALL;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: `0x${string}`;
  refundReceiver: `0x${string}`;
  nonce: bigint;
};

export const multiSendAbi = parseAbi(["function multiSend(bytes transactions) payable"]);

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** EIP-712 types of Safe v1.3+/v1.4.1 (`SAFE_TX_TYPEHASH`; the domain is `{chainId, verifyingContract}`). */
export const safeTxTypes = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/**
 * `multiSend(bytes)` calldata: each call packed as (uint8 operation, address to, uint256 value,
 * uint256 dataLength, bytes data), all CALLs, as MultiSendCallOnly requires.
 */
export function encodeMultiSend(calls: readonly SafeCall[]): Hex {
  const packed = concatHex(
    calls.map((call) =>
      encodePacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [CALL, getAddress(call.to), call.value, BigInt(size(call.data)), call.data],
      ),
    ),
  );
  return encodeFunctionData({ abi: multiSendAbi, functionName: "multiSend", args: [packed] });
}

/**
 * The Safe transaction for a batch, as the Safe app builds it: one call is sent as is (CALL); more go
 * through the MultiSend library with DELEGATECALL.
 */
export function safeTransactionFor(
  calls: readonly SafeCall[],
  nonce: bigint,
  multiSend: `0x${string}`,
): SafeTransaction {
  const [only] = calls;
  if (!only) throw new TypeError("a Safe transaction needs at least one call");
  const target =
    calls.length === 1
      ? { to: getAddress(only.to), value: only.value, data: only.data, operation: CALL }
      : { to: getAddress(multiSend), value: 0n, data: encodeMultiSend(calls), operation: DELEGATECALL };
  return {
    ...target,
    operation: target.operation as SafeTransaction["operation"],
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZERO_ADDRESS,
    refundReceiver: ZERO_ADDRESS,
    nonce,
  };
}

/** Owner signatures in the order `checkNSignatures` requires: sorted by owner address, ascending. */
export function packSignatures(signatures: readonly { owner: `0x${string}`; signature: Hex }[]): Hex {
  const sorted = [...signatures].sort((a, b) => {
    const x = BigInt(a.owner);
    const y = BigInt(b.owner);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return concatHex(sorted.map((s) => s.signature));
}
