import { createPublicClient, http, type PublicClient } from "viem";

export type ChainStatus = { automine: boolean; blockNumber: number; blockTimeSeconds: number | null };

/**
 * Test controls of the local anvil node: automine on/off (`evm_setAutomine`), mining on demand
 * (`anvil_mine`) and the interval block time the node was started with. With automine off and no block
 * time, a transaction stays pending until `mine`.
 */
export class ChainControl {
  private readonly client: PublicClient;

  constructor(
    rpcUrl: string,
    readonly blockTimeSeconds: number | null,
  ) {
    this.client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  }

  private rpc(method: string, params: unknown[]): Promise<unknown> {
    return this.client.request({ method: method as never, params: params as never });
  }

  async status(): Promise<ChainStatus> {
    const [automine, blockNumber] = await Promise.all([
      this.rpc("anvil_getAutomine", []),
      this.client.getBlockNumber({ cacheTime: 0 }),
    ]);
    return {
      automine: automine === true,
      blockNumber: Number(blockNumber),
      blockTimeSeconds: this.blockTimeSeconds,
    };
  }

  async setAutomine(enabled: boolean): Promise<ChainStatus> {
    await this.rpc("evm_setAutomine", [enabled]);
    return this.status();
  }

  /** Mines `blocks` blocks now (pending transactions go into the first). */
  async mine(blocks = 1): Promise<ChainStatus> {
    await this.rpc("anvil_mine", [`0x${blocks.toString(16)}`]);
    return this.status();
  }
}
