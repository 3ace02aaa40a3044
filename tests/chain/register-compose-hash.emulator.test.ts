import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { AnvilAccount } from "../../emulator/chain/anvil";
import { deployDstackApp, localChain } from "../../emulator/chain/deploy-dstack";
import { dstackAppAbi } from "../../emulator/chain/dstack-contracts";
import {
  addComposeHashCalldata,
  ChainIdMismatchError,
  ChainRpcError,
  composeHashAddedTopic,
  InvalidComposeHashError,
  OwnerActionRequiredError,
  PendingTransactionsError,
  ReceiptTimeoutError,
  registerComposeHash,
  TransactionSendError,
} from "../../provider/chain";
import { useAnvil } from "../support/fixtures";
import { startRpcProxy } from "./helpers/rpc-proxy";

const randomHash = (): string => randomBytes(32).toString("hex");

describe("chain: registerComposeHash against anvil", function () {
  this.timeout(60_000);

  const node = useAnvil({ accounts: 3 }, "test");
  let client: PublicClient;
  let owner: AnvilAccount;
  let other: AnvilAccount;

  beforeEach(() => {
    client = createPublicClient({ chain: localChain(node.rpcUrl), transport: http(node.rpcUrl) });
    const [first, second] = node.accounts;
    assert.ok(first && second);
    owner = first;
    other = second;
  });

  const deploy = (contractOwner: AnvilAccount) =>
    deployDstackApp({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: owner.privateKey,
      owner: contractOwner.address,
    });

  const nonceOf = (account: AnvilAccount) => client.getTransactionCount({ address: account.address });

  const allowed = (contract: `0x${string}`, hash: string) =>
    client.readContract({
      address: contract,
      abi: dstackAppAbi,
      functionName: "allowedComposeHashes",
      args: [`0x${hash.replace(/^0x/, "")}`],
    });

  /** Sends a transaction from `from` directly (the owner acting by hand, e.g. through a Safe UI). */
  async function sendRaw(from: AnvilAccount, to: `0x${string}`, data: `0x${string}`) {
    const wallet = createWalletClient({
      account: privateKeyToAccount(from.privateKey),
      chain: localChain(node.rpcUrl),
      transport: http(node.rpcUrl),
    });
    const hash = await wallet.sendTransaction({ to, data });
    return client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  }

  const baseParams = (contract: `0x${string}`, composeHash: string) => ({
    rpcUrl: node.rpcUrl,
    expectedChainId: node.chainId,
    appContract: contract,
    composeHash,
    pollIntervalMs: 50,
  });

  it("registers a new hash with exactly one transaction carrying the ComposeHashAdded log", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const nonceBefore = await nonceOf(owner);
    const progress: string[] = [];
    const result = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
      onProgress: (line) => progress.push(line),
    });

    assert.equal(result.sentTransaction, true);
    assert.equal(typeof result.blockNumber, "string");
    assert.match(result.blockNumber, /^\d+$/);
    assert.equal(await nonceOf(owner), nonceBefore + 1);
    assert.equal(await allowed(contract, hash), true);
    const receipt = await client.getTransactionReceipt({ hash: result.transactionHash });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to?.toLowerCase(), contract.toLowerCase());
    assert.equal(receipt.blockNumber.toString(), result.blockNumber);
    const log = receipt.logs.find((l) => l.topics[0] === composeHashAddedTopic);
    assert.equal(log?.data, `0x${hash}`);
    assert.ok(progress.length > 0);
    for (const line of progress) assert.ok(!line.includes(owner.privateKey.slice(2)));
  });

  it("an already allowed hash sends nothing and returns the earlier transaction (windowed log search)", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const earlier = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
    });
    // Push the registration far behind the head so the search must walk back through many windows.
    await client.request({ method: "anvil_mine" as "eth_blockNumber", params: ["0x258"] as never }); // 600 blocks
    const nonceBefore = await nonceOf(owner);
    const headBefore = await client.getBlockNumber();

    const again = await registerComposeHash({
      ...baseParams(contract, `0x${hash.toUpperCase()}`),
      privateKey: owner.privateKey,
      logWindowBlocks: 100,
    });

    assert.deepEqual(again, { ...earlier, sentTransaction: false });
    assert.equal(await nonceOf(owner), nonceBefore);
    assert.equal(await client.getBlockNumber(), headBefore);
  });

  it("an allowed hash whose registration lies beyond the search range: the owner sends a fresh addComposeHash", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const first = await registerComposeHash({ ...baseParams(contract, hash), privateKey: owner.privateKey });
    await client.request({ method: "anvil_mine" as "eth_blockNumber", params: ["0x258"] as never }); // 600 blocks
    const nonceBefore = await nonceOf(owner);
    const again = await registerComposeHash({
      ...baseParams(contract, hash),
      rpcUrl: `${node.rpcUrl}/`, // a new process: this one would reuse what it sent itself
      privateKey: owner.privateKey,
      logWindowBlocks: 100,
      logSearchBlocks: 300,
    });
    assert.equal(again.sentTransaction, true);
    assert.notEqual(again.transactionHash, first.transactionHash);
    assert.equal(await nonceOf(owner), nonceBefore + 1);
    const receipt = await client.getTransactionReceipt({ hash: again.transactionHash });
    assert.equal(receipt.to?.toLowerCase(), contract.toLowerCase());
  });

  it("an allowed hash without a qualifying registration in range: a non-owner signer gets the owner action, saying why", async () => {
    const contract = await deploy(other);
    const hash = randomHash();
    await sendRaw(other, contract, addComposeHashCalldata(hash));
    await client.request({ method: "anvil_mine" as "eth_blockNumber", params: ["0x258"] as never });
    const error = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
      logWindowBlocks: 100,
      logSearchBlocks: 300,
    }).then(
      () => assert.fail("expected OwnerActionRequiredError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OwnerActionRequiredError);
    assert.deepEqual(
      error.actions.map((a) => a.functionName),
      ["addComposeHash"],
    );
    assert.match(error.message, /already allowed, but no transaction in blocks/);
  });

  it("a signer that is not the owner gets calldata the owner can submit; the retry then finds it", async () => {
    const contract = await deploy(other); // owned by `other`, signer below is `owner`
    const hash = randomHash();
    const signerNonce = await nonceOf(owner);

    const error = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
    }).then(
      () => assert.fail("expected OwnerActionRequiredError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OwnerActionRequiredError);
    assert.equal(error.reason, "signer-not-owner");
    assert.equal(error.owner, other.address);
    assert.equal(error.signer, owner.address);
    assert.equal(error.contract, contract);
    assert.equal(error.chainId, node.chainId);
    assert.equal(error.composeHash, `0x${hash}`);
    assert.equal(error.calldata, `0xdfc77223${hash}`);
    for (const part of [contract, error.calldata, other.address, owner.address, "pulumi up"]) {
      assert.ok(error.message.includes(part), `message mentions ${part}`);
    }
    assert.equal(await nonceOf(owner), signerNonce);
    assert.equal(await allowed(contract, hash), false);

    // The real owner submits exactly what the error says.
    const ownerReceipt = await sendRaw(other, error.contract, error.calldata);
    assert.equal(ownerReceipt.status, "success");
    assert.equal(await allowed(contract, hash), true);

    const resumed = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
    });
    assert.deepEqual(resumed, {
      transactionHash: ownerReceipt.transactionHash,
      blockNumber: ownerReceipt.blockNumber.toString(),
      sentTransaction: false,
    });
    assert.equal(await nonceOf(owner), signerNonce);
  });

  it("without a key: OwnerActionRequiredError naming the owner, nothing sent", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const head = await client.getBlockNumber();
    await assert.rejects(registerComposeHash(baseParams(contract, hash)), (error: unknown) => {
      assert.ok(error instanceof OwnerActionRequiredError);
      assert.equal(error.reason, "no-signer");
      assert.equal(error.signer, undefined);
      assert.equal(error.owner, owner.address);
      assert.equal(error.calldata, `0xdfc77223${hash}`);
      assert.match(error.message, /No signer key is configured/);
      return true;
    });
    assert.equal(await client.getBlockNumber(), head);
    assert.equal(await allowed(contract, hash), false);
  });

  it("a chain id mismatch raises ChainIdMismatchError before anything is sent", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const nonceBefore = await nonceOf(owner);
    await assert.rejects(
      registerComposeHash({
        ...baseParams(contract, hash),
        expectedChainId: 8453,
        privateKey: owner.privateKey,
      }),
      (error: unknown) =>
        error instanceof ChainIdMismatchError && error.expected === 8453 && error.actual === node.chainId,
    );
    assert.equal(await nonceOf(owner), nonceBefore);
    assert.equal(await allowed(contract, hash), false);
  });

  it("two concurrent registrations of the same hash (replicas of one app) send one transaction", async () => {
    const contract = await deploy(owner);
    const hash = randomHash();
    const nonceBefore = await nonceOf(owner);
    const [a, b] = await Promise.all(
      [0, 1].map(() => registerComposeHash({ ...baseParams(contract, hash), privateKey: owner.privateKey })),
    );
    assert.equal(a?.transactionHash, b?.transactionHash);
    assert.deepEqual([a?.sentTransaction, b?.sentTransaction].sort(), [false, true]);
    assert.equal(await nonceOf(owner), nonceBefore + 1);
  });

  it("10 concurrent registrations with one signer all succeed with exactly 10 transactions", async () => {
    const contract = await deploy(owner);
    const hashes = Array.from({ length: 10 }, randomHash);
    const nonceBefore = await nonceOf(owner);
    const results = await Promise.all(
      hashes.map((hash) =>
        registerComposeHash({ ...baseParams(contract, hash), privateKey: owner.privateKey }),
      ),
    );
    assert.equal(await nonceOf(owner), nonceBefore + 10);
    assert.equal(new Set(results.map((r) => r.transactionHash)).size, 10);
    assert.ok(results.every((r) => r.sentTransaction));
    for (const [i, hash] of hashes.entries()) {
      assert.equal(await allowed(contract, hash), true);
      const receipt = await client.getTransactionReceipt({ hash: results[i]?.transactionHash ?? "0x" });
      assert.ok(receipt.logs.some((l) => l.data === `0x${hash}`));
    }
  });

  /** With automine off, a registration whose receipt wait times out: its transaction stays pending. */
  async function timedOutRegistration() {
    const contract = await deploy(owner);
    const hash = randomHash();
    await client.request({ method: "evm_setAutomine" as "eth_blockNumber", params: [false] as never });
    const nonceBefore = await nonceOf(owner);
    const error = await registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
      receiptTimeoutMs: 300,
    }).then(
      () => assert.fail("expected ReceiptTimeoutError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ReceiptTimeoutError);
    return { contract, hash, nonceBefore, error };
  }

  it("a receipt timeout carries the transaction hash; a later run resumes without paying twice", async () => {
    const { contract, hash, nonceBefore, error } = await timedOutRegistration();
    assert.match(error.message, new RegExp(error.transactionHash));

    // Still pending: a run given the known hash waits for it instead of sending again.
    const resumed = registerComposeHash({
      ...baseParams(contract, hash),
      privateKey: owner.privateKey,
      knownTransactionHash: error.transactionHash,
    });
    await new Promise((r) => setTimeout(r, 200));
    await client.request({ method: "evm_mine" as "eth_blockNumber", params: [] as never });
    const result = await resumed;
    assert.equal(result.transactionHash, error.transactionHash);
    assert.equal(result.sentTransaction, false);
    assert.equal(await nonceOf(owner), nonceBefore + 1);

    // A run without the hash finds the same transaction in the logs.
    const again = await registerComposeHash({ ...baseParams(contract, hash), privateKey: owner.privateKey });
    assert.deepEqual(again, result);
    assert.equal(await nonceOf(owner), nonceBefore + 1);
  });

  it("after a receipt timeout or a crash, a re-run finds the signer's pending addComposeHash and waits for it (automine off)", async () => {
    const { contract, hash, nonceBefore, error: timedOut } = await timedOutRegistration();
    const otherHash = randomHash();

    // A new process knows nothing of the first run: it must find the pending transaction on the node.
    // This process remembers what it sent per RPC URL, so the same node under another spelling of its
    // URL stands for a new process.
    const rpcUrl = `${node.rpcUrl}/`;
    const progress: string[] = [];
    const resumed = registerComposeHash({
      ...baseParams(contract, hash),
      rpcUrl,
      privateKey: owner.privateKey,
      onProgress: (line) => progress.push(line),
    });
    // Meanwhile a registration of another hash is not mistaken for it and is sent (nonce + 1).
    const another = registerComposeHash({
      ...baseParams(contract, otherHash),
      rpcUrl,
      privateKey: owner.privateKey,
    });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(
      await client.getTransactionCount({ address: owner.address, blockTag: "pending" }),
      nonceBefore + 2,
      "one pending transaction per hash",
    );
    await client.request({ method: "evm_mine" as "eth_blockNumber", params: [] as never });
    const [result, second] = await Promise.all([resumed, another]);
    assert.equal(result.transactionHash, timedOut.transactionHash);
    assert.equal(result.sentTransaction, false);
    assert.equal(second.sentTransaction, true);
    assert.ok(progress.some((line) => line.includes("pending") && line.includes(timedOut.transactionHash)));
    assert.equal(await nonceOf(owner), nonceBefore + 2);
    assert.equal(await allowed(contract, hash), true);
  });

  it("pending transactions of the signer that the RPC does not show: nothing is sent, with a clear error", async () => {
    const { contract, hash, nonceBefore } = await timedOutRegistration();
    // An RPC in front of the node that hides its pool: no txpool API, no pending block contents.
    const hiding = await startRpcProxy(node.rpcUrl, (call) =>
      call.method.startsWith("txpool_") ||
      (call.method === "eth_getBlockByNumber" && call.params?.[0] === "pending")
        ? { error: { code: -32601, message: "method not available" } }
        : undefined,
    );
    try {
      const error = await registerComposeHash({
        ...baseParams(contract, hash),
        rpcUrl: hiding.rpcUrl,
        privateKey: owner.privateKey,
      }).then(
        () => assert.fail("expected PendingTransactionsError"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PendingTransactionsError, String(error));
      assert.equal(error.pendingCount, 1);
      assert.match(error.message, /nothing was sent/);
      assert.equal(
        await client.getTransactionCount({ address: owner.address, blockTag: "pending" }),
        nonceBefore + 1,
      );
    } finally {
      await hiding.close();
    }
  });

  it("a signer without funds gets one clear error, nothing is broadcast and the key stays out of it", async () => {
    const poorKey = generatePrivateKey();
    const poor = privateKeyToAccount(poorKey);
    const contract = await deployDstackApp({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: owner.privateKey,
      owner: poor.address,
    });
    const hash = randomHash();
    const error = await registerComposeHash({ ...baseParams(contract, hash), privateKey: poorKey }).then(
      () => assert.fail("expected an error"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TransactionSendError, String(error));
    assert.match(error.transactionHash, /^0x[0-9a-f]{64}$/);
    assert.match(error.message, /insufficient funds/i);
    assert.ok(!`${error.message}${error.stack}`.includes(poorKey.slice(2)));
    assert.equal(await client.getTransactionCount({ address: poor.address, blockTag: "pending" }), 0);
    assert.equal(await allowed(contract, hash), false);
  });

  it("error texts never contain the private key or RPC URL credentials", async () => {
    const contract = await deploy(other);
    const key = owner.privateKey;
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail("expected an error"),
        (e) => errors.push(e),
      );
    await capture(registerComposeHash({ ...baseParams(contract, randomHash()), privateKey: key }));
    await capture(
      registerComposeHash({ ...baseParams(contract, randomHash()), privateKey: key, expectedChainId: 1 }),
    );
    await capture(registerComposeHash({ ...baseParams(contract, "zz"), privateKey: key }));
    // An unreachable RPC whose URL carries credentials in user info, path and query.
    const port = new URL(node.rpcUrl).port;
    await node.stop();
    const secretUrl = `http://alice:hunter2pass@127.0.0.1:${port}/v2/SECRETAPIKEY42?key=QUERYSECRET`;
    await capture(
      registerComposeHash({ ...baseParams(contract, randomHash()), rpcUrl: secretUrl, privateKey: key }),
    );

    assert.equal(errors.length, 4);
    assert.ok(errors[0] instanceof OwnerActionRequiredError);
    assert.ok(errors[1] instanceof ChainIdMismatchError);
    assert.ok(errors[2] instanceof InvalidComposeHashError);
    assert.ok(errors[3] instanceof ChainRpcError);
    for (const error of errors) {
      assert.ok(error instanceof Error);
      const text = `${String(error)}\n${error.stack}\n${JSON.stringify(error)}\n${JSON.stringify({ ...error })}`;
      for (const secret of [
        key.slice(2),
        key.slice(2).toUpperCase(),
        "hunter2pass",
        "SECRETAPIKEY42",
        "QUERYSECRET",
      ]) {
        assert.ok(!text.includes(secret), `${error.name} leaks ${secret.slice(0, 6)}…`);
      }
    }
    assert.match((errors[3] as Error).message, /127\.0\.0\.1/);
  });
});
