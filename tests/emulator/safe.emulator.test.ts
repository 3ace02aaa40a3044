import assert from "node:assert/strict";
import {
  concatHex,
  createPublicClient,
  encodeFunctionData,
  getAddress,
  hashTypedData,
  http,
  parseEventLogs,
  toFunctionSelector,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployDstackApp, dstackAppAbi } from "../../emulator";
import {
  createSafe,
  deploySafeContracts,
  executeSafeCalls,
  executeSafeTransaction,
  handOverToSafe,
  type SafeContracts,
  safeAbi,
  signSafeTransaction,
} from "../../emulator/chain/safe";
import {
  DELEGATECALL,
  encodeMultiSend,
  packSignatures,
  safeTransactionFor,
  safeTxTypes,
} from "../../emulator/chain/safe-transaction";
import { useAnvil } from "../support/fixtures";

const hashA = `0x${"a1".repeat(32)}` as const;
const hashB = `0x${"b2".repeat(32)}` as const;

describe("emulator chain: Safe v1.4.1 from @safe-global/safe-contracts", function () {
  this.timeout(60_000);
  const node = useAnvil({ accounts: 6 });
  let contracts: SafeContracts;
  let safe: `0x${string}`;
  let app: `0x${string}`;
  const key = (i: number) => {
    const account = node.accounts[i];
    if (!account) throw new Error(`no anvil account ${i}`);
    return account;
  };
  const client = () => createPublicClient({ transport: http(node.rpcUrl) });
  const addCall = (hash: `0x${string}`) => ({
    to: app,
    value: 0n,
    data: encodeFunctionData({ abi: dstackAppAbi, functionName: "addComposeHash", args: [hash] }),
  });

  before(async () => {
    contracts = await deploySafeContracts(node.rpcUrl, key(0).privateKey);
    safe = await createSafe({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: key(0).privateKey,
      contracts,
      owners: [key(3).address, key(4).address, key(5).address],
      threshold: 2,
    });
    app = await deployDstackApp({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: key(0).privateKey,
      owner: key(1).address,
    });
  });

  it("creates a 2-of-3 Safe whose proxy runs the deployed singleton", async () => {
    const c = client();
    const owners = await c.readContract({ address: safe, abi: safeAbi, functionName: "getOwners" });
    assert.deepEqual(
      [...owners].map((o) => getAddress(o)).sort(),
      [key(3).address, key(4).address, key(5).address].sort(),
    );
    assert.equal(await c.readContract({ address: safe, abi: safeAbi, functionName: "getThreshold" }), 2n);
    assert.equal(await c.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }), 0n);
    // Safe's proxy keeps the singleton address in storage slot 0.
    const slot0 = await c.getStorageAt({ address: safe, slot: "0x0" });
    assert.equal(getAddress(`0x${slot0?.slice(26)}`), contracts.singleton);
  });

  it("the EIP-712 SafeTx hash signed here is the one the Safe computes on-chain", async () => {
    const tx = safeTransactionFor([addCall(hashA), addCall(hashB)], 7n, contracts.multiSendCallOnly);
    assert.equal(tx.operation, DELEGATECALL);
    assert.equal(tx.to, contracts.multiSendCallOnly);
    const onChain = await client().readContract({
      address: safe,
      abi: safeAbi,
      functionName: "getTransactionHash",
      args: [tx.to, tx.value, tx.data, tx.operation, 0n, 0n, 0n, tx.gasToken, tx.refundReceiver, 7n],
    });
    const local = hashTypedData({
      domain: { chainId: node.chainId, verifyingContract: safe },
      types: safeTxTypes,
      primaryType: "SafeTx",
      message: tx,
    });
    assert.equal(local, onChain);
  });

  it("packs MultiSend entries as (operation, to, value, length, data)", () => {
    const call = addCall(hashA);
    const encoded = encodeMultiSend([call]);
    assert.equal(encoded.slice(0, 10), toFunctionSelector("multiSend(bytes)"));
    // offset (32) + length (32) + 1 + 20 + 32 + 32 + 36 bytes of calldata
    const packed = `00${app.slice(2).toLowerCase()}${"0".repeat(64)}${(36).toString(16).padStart(64, "0")}${call.data.slice(2)}`;
    assert.ok(encoded.toLowerCase().includes(packed), "packed entry present");
  });

  it("hands the app over to the Safe (transferOwnership, then acceptOwnership as a Safe transaction); the previous owner can no longer add hashes", async () => {
    await handOverToSafe({
      rpcUrl: node.rpcUrl,
      contract: app,
      ownerPrivateKey: key(1).privateKey,
      safe,
      multiSend: contracts.multiSendCallOnly,
      safeOwnerPrivateKeys: [key(3).privateKey, key(5).privateKey],
    });
    const c = client();
    assert.equal(await c.readContract({ address: app, abi: dstackAppAbi, functionName: "owner" }), safe);
    // DstackApp is Ownable2Step: the Safe's first transaction was its acceptOwnership().
    assert.equal(await c.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }), 1n);
    await assert.rejects(
      c.simulateContract({
        account: key(1).address,
        address: app,
        abi: dstackAppAbi,
        functionName: "addComposeHash",
        args: [hashA],
      }),
      /OwnableUnauthorizedAccount|revert/i,
    );
  });

  it("a batch signed by 2 of 3 owners runs through MultiSend; the app's logs are in the Safe's transaction", async () => {
    const before = await client().readContract({ address: safe, abi: safeAbi, functionName: "nonce" });
    const hash = await executeSafeCalls({
      rpcUrl: node.rpcUrl,
      safe,
      multiSend: contracts.multiSendCallOnly,
      calls: [addCall(hashA), addCall(hashB)],
      ownerPrivateKeys: [key(5).privateKey, key(4).privateKey],
      executorPrivateKey: key(2).privateKey,
    });
    const c = client();
    const receipt = await c.getTransactionReceipt({ hash });
    assert.equal(getAddress(receipt.to ?? "0x"), safe, "the executed transaction goes to the Safe");
    assert.equal(getAddress(receipt.from), key(2).address);
    const added = parseEventLogs({ abi: dstackAppAbi, eventName: "ComposeHashAdded", logs: receipt.logs });
    assert.deepEqual(
      added.map((l) => [getAddress(l.address), l.args.composeHash]),
      [
        [app, hashA],
        [app, hashB],
      ],
    );
    for (const h of [hashA, hashB]) {
      assert.equal(
        await c.readContract({
          address: app,
          abi: dstackAppAbi,
          functionName: "allowedComposeHashes",
          args: [h],
        }),
        true,
      );
    }
    assert.equal(await c.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }), before + 1n);
  });

  it("refuses one signature (threshold 2), a non-owner's signature, and unsorted signatures", async () => {
    const c = client();
    const nonce = await c.readContract({ address: safe, abi: safeAbi, functionName: "nonce" });
    const tx = safeTransactionFor([addCall(`0x${"c3".repeat(32)}`)], nonce, contracts.multiSendCallOnly);
    const base = { rpcUrl: node.rpcUrl, safe, transaction: tx, executorPrivateKey: key(2).privateKey };
    await assert.rejects(executeSafeTransaction({ ...base, ownerPrivateKeys: [key(3).privateKey] }), /GS020/);
    await assert.rejects(
      executeSafeTransaction({ ...base, ownerPrivateKeys: [key(3).privateKey, key(1).privateKey] }),
      /GS026/,
    );
    const signed = await Promise.all(
      [key(3), key(4)].map((a) => signSafeTransaction(a.privateKey, safe, node.chainId, tx)),
    );
    const sorted = packSignatures(signed);
    const ascending = [...signed].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1));
    const reversed = concatHex(ascending.reverse().map((s) => s.signature));
    assert.notEqual(sorted, reversed);
    await assert.rejects(
      c.simulateContract({
        account: privateKeyToAccount(key(2).privateKey),
        address: safe,
        abi: safeAbi,
        functionName: "execTransaction",
        args: [tx.to, tx.value, tx.data, tx.operation, 0n, 0n, 0n, tx.gasToken, tx.refundReceiver, reversed],
      }),
      /GS026/,
    );
    assert.equal(await c.readContract({ address: safe, abi: safeAbi, functionName: "nonce" }), nonce);
  });
});
