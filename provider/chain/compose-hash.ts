import { encodeFunctionData } from "viem";
import { dstackAppAbi } from "./abi";
import { InvalidComposeHashError } from "./errors";

const HASH_PATTERN = /^(?:0x)?([0-9a-fA-F]{64})$/;

/**
 * `0x` + 64 lowercase hex for a compose hash given with or without `0x` (the API uses both).
 * Throws `InvalidComposeHashError` for anything that is not exactly 32 bytes of hex.
 */
export function normalizeComposeHash(hash: string): `0x${string}` {
  const match = typeof hash === "string" ? HASH_PATTERN.exec(hash.trim()) : null;
  if (!match?.[1]) throw new InvalidComposeHashError(String(hash));
  return `0x${match[1].toLowerCase()}`;
}

/** Calldata of `addComposeHash(bytes32)` for a compose hash: what the contract owner must submit. */
export function addComposeHashCalldata(composeHash: string): `0x${string}` {
  return encodeFunctionData({
    abi: dstackAppAbi,
    functionName: "addComposeHash",
    args: [normalizeComposeHash(composeHash)],
  });
}
