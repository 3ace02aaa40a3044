import assert from "node:assert/strict";
import { existsSync } from "node:fs";
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
import { pidAlive, startAnvil } from "../../emulator/chain/anvil";
import { deployAndRegisterApp, deployDstackKms, localChain } from "../../emulator/chain/deploy-dstack";
import { dstackAppAbi, dstackKmsAbi } from "../../emulator/chain/dstack-contracts";
import {
  artifactCacheDir,
  compileDstackContracts,
  DSTACK_CONTRACTS,
  dstackArtifacts,
} from "../../emulator/contracts/compile";
import { DSTACK_CONTRACTS_ENV, dstackContractsDir } from "../../emulator/contracts/sources";
import { useAnvil } from "../support/fixtures";

type AbiParam = { type: string; indexed?: boolean; components?: readonly AbiParam[] };
type AbiEntry = { type: string; name?: string; inputs?: readonly AbiParam[]; outputs?: readonly AbiParam[] };

/** `function name(types) returns (types)` / `event name(types, indexed marked)`, tuples expanded. */
function signature(entry: AbiEntry): string {
  const param = (p: AbiParam): string =>
    `${p.type.startsWith("tuple") ? `(${(p.components ?? []).map(param).join(",")})${p.type.slice(5)}` : p.type}${p.indexed ? " indexed" : ""}`;
  const list = (ps: readonly AbiParam[] | undefined) => (ps ?? []).map(param).join(",");
  const returns = entry.type === "function" ? ` returns (${list(entry.outputs)})` : "";
  return `${entry.type} ${entry.name}(${list(entry.inputs)})${returns}`;
}

describe("emulator chain: the real dstack contracts", () => {
  it("compiles DstackKms, DstackApp and ERC1967Proxy from the upstream sources; the cache holds exactly that", function () {
    this.timeout(120_000);
    const cached = dstackArtifacts();
    const file = join(artifactCacheDir(), `${cached.key}.json`);
    assert.ok(existsSync(file), `artifact cached at ${file}`);
    const fresh = compileDstackContracts();
    assert.equal(fresh.key, cached.key);
    for (const name of DSTACK_CONTRACTS) {
      assert.equal(cached.contracts[name].bytecode, fresh.contracts[name].bytecode, name);
    }
    // Every entry of the typed ABIs exists, with the same signature, in solc's output of the sources.
    const signatures = (abi: readonly unknown[]) =>
      new Set(
        (abi as readonly AbiEntry[])
          .filter((e) => e.type === "function" || e.type === "event" || e.type === "error")
          .map(signature),
      );
    for (const [typed, compiled] of [
      [dstackAppAbi, fresh.contracts.DstackApp.abi],
      [dstackKmsAbi, fresh.contracts.DstackKms.abi],
    ] as const) {
      const known = signatures(compiled);
      for (const signature of signatures(typed)) assert.ok(known.has(signature), signature);
    }
  });

  it("names the directory and DSTACK_CONTRACTS_DIR when the sources are missing", () => {
    const previous = process.env[DSTACK_CONTRACTS_ENV];
    process.env[DSTACK_CONTRACTS_ENV] = "/nonexistent/dstack-contracts";
    try {
      assert.throws(
        () => dstackContractsDir(),
        /dstack contracts are missing in \/nonexistent\/dstack-contracts \(DstackApp\.sol, .*set DSTACK_CONTRACTS_DIR/,
      );
    } finally {
      if (previous === undefined) delete process.env[DSTACK_CONTRACTS_ENV];
      else process.env[DSTACK_CONTRACTS_ENV] = previous;
    }
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

describe("emulator chain: anvil + DstackKms + DstackApp", () => {
  const node = useAnvil();

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

  it("DstackKms holds the KMS key; deployAndRegisterApp registers the first hash inside the factory transaction", async function () {
    this.timeout(120_000);
    const [deployer, owner, stranger] = node.accounts;
    assert.ok(deployer && owner && stranger);
    const k256 = `0x02${"11".repeat(32)}` as const;
    const image = `0x${"ab".repeat(32)}` as const;
    const { kms, appImplementation } = await deployDstackKms({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: deployer.privateKey,
      k256Pubkey: k256,
      osImageHashes: [image],
      gatewayAppId: "0xgateway",
    });
    const chain = localChain(node.rpcUrl);
    const client = createPublicClient({ chain, transport: http(node.rpcUrl) });
    const [kmsKey] = await client.readContract({ address: kms, abi: dstackKmsAbi, functionName: "kmsInfo" });
    assert.equal(kmsKey, k256);
    assert.equal(
      await client.readContract({ address: kms, abi: dstackKmsAbi, functionName: "appImplementation" }),
      appImplementation,
    );

    const first = `0x${"cd".repeat(32)}` as const;
    const device = `0x${"de".repeat(32)}` as const;
    const { app, transactionHash } = await deployAndRegisterApp({
      rpcUrl: node.rpcUrl,
      senderPrivateKey: deployer.privateKey,
      kms,
      owner: owner.address,
      initialComposeHash: first,
      initialDeviceId: device,
    });
    const factory = await client.getTransactionReceipt({ hash: transactionHash });
    assert.equal(
      factory.to?.toLowerCase(),
      kms.toLowerCase(),
      "the factory transaction is sent to DstackKms",
    );
    const added = factory.logs.find(
      (l) =>
        l.address.toLowerCase() === app.toLowerCase() &&
        l.topics[0] === toEventSelector("ComposeHashAdded(bytes32)"),
    );
    assert.equal(
      added?.data,
      first,
      "the app itself emits ComposeHashAdded(initial hash) in that transaction",
    );
    const read = <F extends "owner" | "allowAnyDevice" | "version">(functionName: F) =>
      client.readContract({ address: app, abi: dstackAppAbi, functionName });
    assert.equal(await read("owner"), owner.address);
    assert.equal(await read("allowAnyDevice"), false);
    assert.equal(await read("version"), 2n);
    const allowed = (hash: `0x${string}`) =>
      client.readContract({
        address: app,
        abi: dstackAppAbi,
        functionName: "allowedComposeHashes",
        args: [hash],
      });
    assert.equal(await allowed(first), true);
    assert.equal(
      await client.readContract({
        address: app,
        abi: dstackAppAbi,
        functionName: "allowedDeviceIds",
        args: [device],
      }),
      true,
    );
    assert.equal(
      await client.readContract({
        address: kms,
        abi: dstackKmsAbi,
        functionName: "registeredApps",
        args: [app],
      }),
      true,
    );
    const boot = (composeHash: `0x${string}`, deviceId: `0x${string}`) =>
      client.readContract({
        address: kms,
        abi: dstackKmsAbi,
        functionName: "isAppAllowed",
        args: [
          {
            appId: app,
            composeHash,
            instanceId: app,
            deviceId,
            mrAggregated: image,
            mrSystem: image,
            osImageHash: image,
            tcbStatus: "UpToDate",
            advisoryIds: [],
          },
        ],
      });
    assert.deepEqual(await boot(first, device), [true, ""]);
    assert.deepEqual(await boot(first, `0x${"00".repeat(32)}`), [false, "Device not allowed"]);

    // The owner adds and removes a hash: ComposeHashAdded carries the hash as non-indexed data.
    const wallet = createWalletClient({
      account: privateKeyToAccount(owner.privateKey),
      chain,
      transport: http(),
    });
    const next = `0x${"ab".repeat(32)}` as const;
    assert.equal(await allowed(next), false);
    const tx = await wallet.writeContract({
      address: app,
      abi: dstackAppAbi,
      functionName: "addComposeHash",
      args: [next],
    });
    const receipt = await client.waitForTransactionReceipt({ hash: tx, pollingInterval: 50 });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.to?.toLowerCase(), app.toLowerCase());
    const log = receipt.logs.find((l) => l.topics[0] === toEventSelector("ComposeHashAdded(bytes32)"));
    assert.ok(log);
    assert.equal(log.address.toLowerCase(), app.toLowerCase());
    assert.deepEqual(log.topics, ["0xfecb34306dd9d8b785b54d65489d06afc8822a0893ddacedff40c50a4942d0af"]);
    const decoded = decodeEventLog({
      abi: [parseAbiItem("event ComposeHashAdded(bytes32 composeHash)")],
      data: log.data,
      topics: log.topics,
    });
    assert.equal(decoded.args.composeHash, next);
    assert.equal(await allowed(next), true);
    const tx2 = await wallet.writeContract({
      address: app,
      abi: dstackAppAbi,
      functionName: "removeComposeHash",
      args: [next],
    });
    await client.waitForTransactionReceipt({ hash: tx2, pollingInterval: 50 });
    assert.equal(await allowed(next), false);

    // A non-owner is refused with OwnableUnauthorizedAccount(sender).
    const strangerWallet = createWalletClient({
      account: privateKeyToAccount(stranger.privateKey),
      chain,
      transport: http(),
    });
    await assert.rejects(
      strangerWallet.writeContract({
        address: app,
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
