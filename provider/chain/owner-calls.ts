import { encodeFunctionData, getAbiItem } from "viem";
import { dstackAppAbi } from "./abi";
import { normalizeComposeHash } from "./compose-hash";
import { InvalidChainParamsError } from "./errors";

/** The owner-only DstackApp functions an env key-set change may need. */
export type OwnerMethod = "addDevice" | "addComposeHash";

/** One call the app's owner has to make: target, calldata, and the decoded form for the Safe app. */
export interface OwnerCall {
  readonly method: OwnerMethod;
  readonly to: `0x${string}`;
  readonly data: `0x${string}`;
  /** The function's single bytes32 parameter (`deviceId` or `composeHash`) and its value. */
  readonly argument: { readonly name: string; readonly value: `0x${string}` };
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
}

export interface OwnerCallsRequest {
  readonly contract: `0x${string}`;
  readonly composeHash: string;
  /** Set when the CVM's device is not allowed on the app yet: `addDevice(deviceId)` comes first. */
  readonly deviceId?: string | undefined;
}

/** The owner's calls in order: `addDevice(deviceId)` when the device is new, then `addComposeHash(hash)`. */
export function ownerCalls(request: OwnerCallsRequest): OwnerCall[] {
  const calls: OwnerCall[] = [];
  if (request.deviceId !== undefined) {
    calls.push(ownerCall(request.contract, "addDevice", normalizeBytes32(request.deviceId)));
  }
  calls.push(ownerCall(request.contract, "addComposeHash", normalizeComposeHash(request.composeHash)));
  return calls;
}

function ownerCall(to: `0x${string}`, method: OwnerMethod, value: `0x${string}`): OwnerCall {
  const item = getAbiItem({ abi: dstackAppAbi, name: method });
  const [input] = item.inputs;
  return {
    method,
    to,
    data: encodeFunctionData({ abi: [item], functionName: method, args: [value] }),
    argument: { name: input.name, value },
    inputs: item.inputs,
  };
}

/** A device id is 32 bytes of hex, given by the API with or without 0x. */
function normalizeBytes32(value: string): `0x${string}` {
  const match = /^(?:0x)?([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match?.[1]) throw new InvalidChainParamsError("deviceId", "expected 64 hex characters (32 bytes)");
  return `0x${match[1].toLowerCase()}`;
}
