import { encodeFunctionData } from "viem";
import { hexDigits } from "../normalize";
import { type AppWrite, dstackAppAbi } from "./abi";
import { InvalidChainParamsError, InvalidComposeHashError } from "./errors";

const bytes32 = (value: string): `0x${string}` | undefined => {
  const digits = typeof value === "string" ? hexDigits(value, 32) : undefined;
  return digits === undefined ? undefined : `0x${digits}`;
};

/**
 * `0x` + 64 lowercase hex for a compose hash given with or without `0x` (the API uses both).
 * Throws `InvalidComposeHashError` for anything that is not exactly 32 bytes of hex.
 */
export function normalizeComposeHash(hash: string): `0x${string}` {
  const normalized = bytes32(hash);
  if (!normalized) throw new InvalidComposeHashError(String(hash));
  return normalized;
}

/** `0x` + 64 lowercase hex for a device id (the 465's `device_id`), with or without `0x`. */
export function normalizeDeviceId(deviceId: string): `0x${string}` {
  const normalized = bytes32(deviceId);
  if (!normalized) throw new InvalidChainParamsError("deviceId", "expected 64 hex characters (32 bytes)");
  return normalized;
}

/** Calldata of `addComposeHash(bytes32)` or `addDevice(bytes32)`: what the contract owner must submit. */
export function appCalldata(functionName: AppWrite, value: `0x${string}`): `0x${string}` {
  return encodeFunctionData({ abi: dstackAppAbi, functionName, args: [value] });
}

/** Calldata of `addComposeHash(bytes32)` for a compose hash given with or without `0x`. */
export function addComposeHashCalldata(composeHash: string): `0x${string}` {
  return appCalldata("addComposeHash", normalizeComposeHash(composeHash));
}
