import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  http,
  keccak256,
  parseAbiItem,
  toEventSelector,
  toFunctionSelector,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AnvilNode, startAnvil } from "../../emulator/chain/anvil";
import { deployDstackApp, dstackAppAbi, localChain } from "../../emulator/chain/dstack-app";
import { compileDstackApp } from "../../emulator/contracts/compile";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("emulator chain: DstackApp artifact", () => {
  it("the committed artifact equals a fresh solc-js compilation of DstackApp.sol", function () {
    this.timeout(60_000);
    const fresh = compileDstackApp();
    const committed = JSON.parse(
      readFileSync(join(__dirname, "..", "..", "emulator", "contracts", "DstackApp.json"), "utf8"),
    );
    assert.equal(
      committed.bytecode,
      fresh.bytecode,
      "regenerate with: npx tsx emulator/contracts/generate.ts",
    );
    assert.deepEqual(committed.abi, fresh.abi);
    // The hand-written `as const` ABI lists the same entries as solc's output.
    const norm = (abi: readonly unknown[]) =>
      abi.map((e) => JSON.stringify(e, Object.keys(e as object).sort())).sort();
    const canonical = (abi: readonly unknown[]) =>
      norm(
        abi.map((e) => {
          const entry = e as Record<string, unknown>;
          const sortInputs = (xs: unknown) =>
            Array.isArray(xs)
              ? xs.map((x) =>
                  Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => a.localeCompare(b))),
                )
              : xs;
          return { ...entry, inputs: sortInputs(entry.inputs), outputs: sortInputs(entry.outputs) };
        }),
      );
    assert.deepEqual(canonical(dstackAppAbi), canonical(fresh.abi));
  });

  it("uses the selectors and topics of the dstack DstackApp contract", () => {
    assert.equal(toFunctionSelector("addComposeHash(bytes32)"), "0xdfc77223");
    assert.equal(toFunctionSelector("removeComposeHash(bytes32)"), "0x67b3f22c");
    assert.equal(toFunctionSelector("allowedComposeHashes(bytes32)"), "0x2f6622e5");
    assert.equal(toFunctionSelector("owner()"), "0x8da5cb5b");
    assert.equal(toFunctionSelector("transferOwnership(address)"), "0xf2fde38b");
    const added = dstackAppAbi.find((e) => e.type === "event" && e.name === "ComposeHashAdded");
    const removed = dstackAppAbi.find((e) => e.type === "event" && e.name === "ComposeHashRemoved");
    assert.ok(added && removed);
    assert.equal(
      toEventSelector(added),
      "0xfecb34306dd9d8b785b54d65489d06afc8822a0893ddacedff40c50a4942d0af",
    );
    assert.equal(
      toEventSelector(removed),
      "0x755b79bd4b0eeab344d032284a99003b2ddc018b646752ac72d681593a6e8947",
    );
    assert.equal(
      keccak256(new TextEncoder().encode("OwnableUnauthorizedAccount(address)")).slice(0, 10),
      "0x118cdaa7",
    );
  });
});

describe("emulator chain: anvil + DstackApp", () => {
  let node: AnvilNode;
  before(async function () {
    this.timeout(30_000);
    node = await startAnvil();
  });
  after(async () => {
    await node?.stop();
  });

  it("starts anvil on chain 31337 with funded default accounts", async () => {
    assert.equal(node.chainId, 31337);
    assert.match(node.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createPublicClient({ transport: http(node.rpcUrl) });
    assert.equal(await client.getChainId(), 31337);
    const first = node.accounts[0];
    assert.ok(first);
    assert.equal(first.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert.equal(privateKeyToAccount(first.privateKey).address, first.address);
    assert.ok((await client.getBalance({ address: first.address })) > 10n ** 21n);
  });

  it("deploys DstackApp; the owner adds and removes compose hashes with the expected events", async () => {
    const [deployer, owner] = node.accounts;
    assert.ok(deployer && owner);
    const address = await deployDstackApp({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: deployer.privateKey,
      owner: owner.address,
    });
    const chain = localChain(node.rpcUrl);
    const client = createPublicClient({ chain, transport: http(node.rpcUrl) });
    assert.equal(
      await client.readContract({ address, abi: dstackAppAbi, functionName: "owner" }),
      owner.address,
    );
    const hash = `0x${"ab".repeat(32)}` as const;
    assert.equal(
      await client.readContract({
        address,
        abi: dstackAppAbi,
        functionName: "allowedComposeHashes",
        args: [hash],
      }),
      false,
    );
    const wallet = createWalletClient({
      account: privateKeyToAccount(owner.privateKey),
      chain,
      transport: http(),
    });
    const tx = await wallet.writeContract({
      address,
      abi: dstackAppAbi,
      functionName: "addComposeHash",
      args: [hash],
    });
    const receipt = await client.waitForTransactionReceipt({ hash: tx, pollingInterval: 50 });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to?.toLowerCase(), address.toLowerCase());
    const log = receipt.logs.find((l) => l.address.toLowerCase() === address.toLowerCase());
    assert.ok(log);
    assert.deepEqual(log.topics, ["0xfecb34306dd9d8b785b54d65489d06afc8822a0893ddacedff40c50a4942d0af"]);
    assert.equal(log.data, hash, "ComposeHashAdded carries the hash as non-indexed data");
    const decoded = decodeEventLog({
      abi: [parseAbiItem("event ComposeHashAdded(bytes32 composeHash)")],
      data: log.data,
      topics: log.topics,
    });
    assert.equal(decoded.args.composeHash, hash);
    assert.equal(
      await client.readContract({
        address,
        abi: dstackAppAbi,
        functionName: "allowedComposeHashes",
        args: [hash],
      }),
      true,
    );
    const tx2 = await wallet.writeContract({
      address,
      abi: dstackAppAbi,
      functionName: "removeComposeHash",
      args: [hash],
    });
    await client.waitForTransactionReceipt({ hash: tx2, pollingInterval: 50 });
    assert.equal(
      await client.readContract({
        address,
        abi: dstackAppAbi,
        functionName: "allowedComposeHashes",
        args: [hash],
      }),
      false,
    );
  });

  it("reverts with OwnableUnauthorizedAccount(sender) when a non-owner adds a hash", async () => {
    const [deployer, , stranger] = node.accounts;
    assert.ok(deployer && stranger);
    const address = await deployDstackApp({ rpcUrl: node.rpcUrl, deployerPrivateKey: deployer.privateKey });
    const chain = localChain(node.rpcUrl);
    const wallet = createWalletClient({
      account: privateKeyToAccount(stranger.privateKey),
      chain,
      transport: http(),
    });
    await assert.rejects(
      wallet.writeContract({
        address,
        abi: dstackAppAbi,
        functionName: "addComposeHash",
        args: [`0x${"11".repeat(32)}`],
      }),
      (err: unknown) => {
        assert.ok(err instanceof BaseError);
        const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(revert instanceof ContractFunctionRevertedError, String(err));
        assert.equal(revert.data?.errorName, "OwnableUnauthorizedAccount");
        assert.deepEqual(revert.data?.args, [stranger.address]);
        return true;
      },
    );
  });

  it("stop() terminates the anvil process", async () => {
    const other = await startAnvil();
    assert.ok(pidAlive(other.pid));
    await other.stop();
    assert.equal(pidAlive(other.pid), false);
    await other.stop(); // idempotent
  });
});
