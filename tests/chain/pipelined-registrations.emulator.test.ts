import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createPublicClient, http, keccak256, type PublicClient } from "viem";
import type { AnvilAccount } from "../../emulator/chain/anvil";
import { deployDstackApp, localChain } from "../../emulator/chain/deploy-dstack";
import { dstackAppAbi } from "../../emulator/chain/dstack-contracts";
import { registerComposeHash, TransactionDroppedError, TransactionSendError } from "../../provider/chain";
import { useAnvil } from "../support/fixtures";
import { startRpcProxy } from "./helpers/rpc-proxy";

const randomHash = (): string => randomBytes(32).toString("hex");

/** Registrations of one signer share its nonce sequence: they never wait for each other's receipts, and no nonce gap holds them back. */
describe("chain: pipelined registrations of one signer against anvil", function () {
  this.timeout(60_000);

  const node = useAnvil({ accounts: 1 }, "test");
  let client: PublicClient;
  let owner: AnvilAccount;
  let contract: `0x${string}`;

  beforeEach(async () => {
    client = createPublicClient({ chain: localChain(node.rpcUrl), transport: http(node.rpcUrl) });
    const [first] = node.accounts;
    assert.ok(first);
    owner = first;
    contract = await deployDstackApp({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: owner.privateKey,
      owner: owner.address,
    });
  });

  const register = (composeHash: string, rpcUrl = node.rpcUrl, receiptTimeoutMs?: number) =>
    registerComposeHash({
      rpcUrl,
      expectedChainId: node.chainId,
      appContract: contract,
      composeHash,
      privateKey: owner.privateKey,
      pollIntervalMs: 50,
      ...(receiptTimeoutMs ? { receiptTimeoutMs } : {}),
    });
  const pendingNonce = () => client.getTransactionCount({ address: owner.address, blockTag: "pending" });
  const minedNonce = () => client.getTransactionCount({ address: owner.address });
  const nonceOfTransaction = async (hash: `0x${string}`) => (await client.getTransaction({ hash })).nonce;
  const allowed = (hash: string) =>
    client.readContract({
      address: contract,
      abi: dstackAppAbi,
      functionName: "allowedComposeHashes",
      args: [`0x${hash}`],
    });
  const setAutomine = (on: boolean) =>
    client.request({ method: "evm_setAutomine" as "eth_blockNumber", params: [on] as never });
  const mine = () => client.request({ method: "evm_mine" as "eth_blockNumber", params: [] as never });

  async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`timed out waiting until ${what}`);
  }

  it("concurrent registrations are all sent before any is mined, with consecutive nonces, and land in one block", async () => {
    await setAutomine(false);
    const before = await minedNonce();
    const blockBefore = await client.getBlockNumber();
    const hashes = Array.from({ length: 5 }, randomHash);
    const running = Promise.all(hashes.map((hash) => register(hash)));

    await until("all five transactions are in the pool", async () => (await pendingNonce()) === before + 5);
    assert.equal(await client.getBlockNumber(), blockBefore, "no block was mined while they were sent");
    await mine();
    const results = await running;

    const nonces = await Promise.all(results.map((r) => nonceOfTransaction(r.transactionHash)));
    assert.deepEqual(
      nonces.sort((a, b) => a - b),
      [0, 1, 2, 3, 4].map((i) => before + i),
    );
    assert.equal(new Set(results.map((r) => r.blockNumber)).size, 1, "all mined in the same block");
    for (const hash of hashes) assert.equal(await allowed(hash), true);
  });

  it("a send the node refuses uses no nonce: the next registration takes it", async () => {
    let refuse = true;
    const proxy = await startRpcProxy(node.rpcUrl, (call) => {
      if (call.method !== "eth_sendRawTransaction" || !refuse) return undefined;
      refuse = false;
      return { error: { code: -32000, message: "temporarily unavailable" } };
    });
    try {
      const before = await minedNonce();
      const refused = await register(randomHash(), proxy.rpcUrl).then(
        () => assert.fail("expected TransactionSendError"),
        (e: unknown) => e,
      );
      assert.ok(refused instanceof TransactionSendError, String(refused));

      const next = await register(randomHash(), proxy.rpcUrl);
      assert.equal(await nonceOfTransaction(next.transactionHash), before);
      assert.equal(await minedNonce(), before + 1);
    } finally {
      await proxy.close();
    }
  });

  it("a transaction the node dropped frees its nonce: the next send fills the gap and the one queued behind it is mined", async () => {
    let sawDroppedSend: () => void = () => {};
    const droppedSend = new Promise<void>((resolve) => {
      sawDroppedSend = resolve;
    });
    let drop = true;
    const proxy = await startRpcProxy(node.rpcUrl, (call) => {
      if (call.method !== "eth_sendRawTransaction" || !drop) return undefined;
      drop = false;
      sawDroppedSend();
      // Accepted in appearance, never reaches the node.
      return { result: keccak256(call.params?.[0] as `0x${string}`) };
    });
    try {
      const before = await minedNonce();
      const [lost, queuedHash, fillerHash] = [randomHash(), randomHash(), randomHash()];
      const dropped = register(lost, proxy.rpcUrl, 2_000).then(
        () => assert.fail("expected TransactionDroppedError"),
        (e: unknown) => e,
      );
      await droppedSend;
      // Sent while the dropped one is still awaited: it takes the next nonce and waits behind the gap.
      const queued = register(queuedHash, proxy.rpcUrl);
      await until("the queued transaction reached the node", async () => {
        const pool = (await client.request({ method: "txpool_content" as "eth_blockNumber" })) as unknown as {
          queued: Record<string, Record<string, unknown>>;
        };
        return Object.keys(pool.queued ?? {}).length > 0;
      });

      const error = await dropped;
      assert.ok(error instanceof TransactionDroppedError, String(error));
      assert.match(error.message, /no longer knows it/);

      const filler = await register(fillerHash, proxy.rpcUrl);
      const second = await queued;
      assert.equal(await nonceOfTransaction(filler.transactionHash), before);
      assert.equal(await nonceOfTransaction(second.transactionHash), before + 1);
      assert.equal(await minedNonce(), before + 2);
      assert.deepEqual(await Promise.all([lost, queuedHash, fillerHash].map(allowed)), [false, true, true]);
    } finally {
      await proxy.close();
    }
  });
});
