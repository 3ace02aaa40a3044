import { createPublicClient, type Hex, http, type PublicClient } from "viem";
import { dstackKmsAbi } from "./dstack-contracts";

export type BootQuery = {
  kms: `0x${string}`;
  app: `0x${string}`;
  /** 64 hex, no `0x`. */
  composeHash: string;
  /** 64 hex, no `0x`. */
  deviceId: string;
  /** 40 hex (the CVM's instance id without `instance_`). */
  instanceId: string;
  /** 64 hex, no `0x`. */
  osImageHash: string;
};

export type BootDecision = { allowed: true } | { allowed: false; reason: string };

const ZERO32 = `0x${"00".repeat(32)}` as const;

/**
 * What dstack's KMS asks the chain before it releases an app's keys at boot: `DstackKms.isAppAllowed`, which
 * checks the app is registered and the OS image allowed, then the app's own `isAppAllowed` (compose hash
 * allowed; device allowed unless `allowAnyDevice`). The emulator asks it before an operation applies.
 */
export class BootAuthorizer {
  private readonly client: PublicClient;

  constructor(rpcUrl: string) {
    this.client = createPublicClient({ transport: http(rpcUrl, { retryCount: 1 }) });
  }

  async check(query: BootQuery): Promise<BootDecision> {
    const hex = (value: string) => `0x${value.replace(/^0x/i, "").toLowerCase()}` as Hex;
    try {
      const [allowed, reason] = await this.client.readContract({
        address: query.kms,
        abi: dstackKmsAbi,
        functionName: "isAppAllowed",
        args: [
          {
            appId: query.app,
            composeHash: hex(query.composeHash),
            instanceId: hex(query.instanceId),
            deviceId: hex(query.deviceId),
            mrAggregated: ZERO32,
            mrSystem: ZERO32,
            osImageHash: hex(query.osImageHash),
            tcbStatus: "UpToDate",
            advisoryIds: [],
          },
        ],
      });
      return allowed ? { allowed: true } : { allowed: false, reason };
    } catch (error) {
      return {
        allowed: false,
        reason: `the chain could not be read (${(error as Error).message.split("\n")[0]})`,
      };
    }
  }
}
