import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { AnvilAccount } from "../../emulator/chain/anvil";
import { deployAndRegisterApp, deployDstackKms, localChain } from "../../emulator/chain/deploy-dstack";
import { dstackAppAbi } from "../../emulator/chain/dstack-contracts";
import {
  appCalldata,
  kmsSigningKeyOnChain,
  OwnerActionRequiredError,
  policyChangedTopic,
  registerComposeHash,
} from "../../provider/chain";
import { hexToBytes, kmsPublicKeyOf } from "../../provider/crypto";
import { useAnvil } from "../support/fixtures";

const random32 = (): `0x${string}` => `0x${randomBytes(32).toString("hex")}`;

/**
 * The chain step on the real dstack contracts: a DstackKms behind its UUPS proxy and apps created by
 * `deployAndRegisterApp`, whose factory transaction (sent to DstackKms) registers the first compose hash.
 */
describe("chain: the real DstackKms and DstackApp contracts", function () {
  this.timeout(120_000);

  const node = useAnvil({ accounts: 3 });
  let client: PublicClient;
  let deployer: AnvilAccount;
  let owner: AnvilAccount;
  let other: AnvilAccount;
  let kms: `0x${string}`;
  const kmsKey = kmsPublicKeyOf(hexToBytes("05".repeat(32))) as `0x${string}`;

  before(async () => {
    client = createPublicClient({ chain: localChain(node.rpcUrl), transport: http(node.rpcUrl) });
    [deployer, owner, other] = node.accounts as [AnvilAccount, AnvilAccount, AnvilAccount];
    ({ kms } = await deployDstackKms({
      rpcUrl: node.rpcUrl,
      deployerPrivateKey: deployer.privateKey,
      k256Pubkey: kmsKey,
    }));
  });

  const nonceOf = (account: AnvilAccount) => client.getTransactionCount({ address: account.address });
  const newApp = (
    appOwner: AnvilAccount,
    extra: {
      initialComposeHash?: `0x${string}`;
      initialDeviceId?: `0x${string}`;
      allowAnyDevice?: boolean;
    } = {},
  ) =>
    deployAndRegisterApp({
      rpcUrl: node.rpcUrl,
      senderPrivateKey: deployer.privateKey,
      kms,
      owner: appOwner.address,
      ...extra,
    });
  const params = (app: `0x${string}`, composeHash: string) => ({
    rpcUrl: node.rpcUrl,
    expectedChainId: node.chainId,
    appContract: app,
    composeHash,
    pollIntervalMs: 50,
  });
  const read = (
    app: `0x${string}`,
    functionName: "allowedComposeHashes" | "allowedDeviceIds",
    value: `0x${string}`,
  ) =>
    functionName === "allowedComposeHashes"
      ? client.readContract({
          address: app,
          abi: dstackAppAbi,
          functionName: "allowedComposeHashes",
          args: [value],
        })
      : client.readContract({
          address: app,
          abi: dstackAppAbi,
          functionName: "allowedDeviceIds",
          args: [value],
        });

  it("the factory transaction never counts: an owning signer sends a fresh addComposeHash to the app", async () => {
    const hash = random32();
    const { app, transactionHash: factoryTx } = await newApp(owner, {
      initialComposeHash: hash,
      allowAnyDevice: true,
    });
    assert.equal(await read(app, "allowedComposeHashes", hash), true);
    const nonce = await nonceOf(owner);
    const progress: string[] = [];
    const result = await registerComposeHash({
      ...params(app, hash),
      privateKey: owner.privateKey,
      onProgress: (l) => progress.push(l),
    });
    assert.equal(result.sentTransaction, true);
    assert.notEqual(result.transactionHash, factoryTx);
    assert.equal(await nonceOf(owner), nonce + 1);
    const receipt = await client.getTransactionReceipt({ hash: result.transactionHash });
    assert.equal(receipt.to?.toLowerCase(), app.toLowerCase());
    assert.ok(progress.some((line) => line.includes(factoryTx) && /does not qualify/.test(line)));

    // The fresh transaction is found by the indexed PolicyChanged event next time: nothing more is sent.
    assert.ok(receipt.logs.some((log) => log.topics[0] === policyChangedTopic && log.topics[3] === hash));
    const again = await registerComposeHash({ ...params(app, hash), privateKey: owner.privateKey });
    assert.deepEqual(again, { ...result, sentTransaction: false });
    assert.equal(await nonceOf(owner), nonce + 1);
  });

  it("the factory transaction never counts: a signer that is not the owner is told why and what to submit", async () => {
    const hash = random32();
    const { app, transactionHash: factoryTx } = await newApp(other, {
      initialComposeHash: hash,
      allowAnyDevice: true,
    });
    const error = await registerComposeHash({ ...params(app, hash), privateKey: owner.privateKey }).then(
      () => assert.fail("expected OwnerActionRequiredError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OwnerActionRequiredError);
    assert.deepEqual(
      error.actions.map((a) => a.functionName),
      ["addComposeHash"],
    );
    assert.match(error.message, new RegExp(`found only ${factoryTx}`));
    assert.match(error.message, new RegExp(kms, "i"));
  });

  it("a device the app does not allow: the owner sends addDevice, then addComposeHash", async () => {
    const hash = random32();
    const device = random32();
    const { app } = await newApp(owner, { initialDeviceId: random32() });
    const nonce = await nonceOf(owner);
    const result = await registerComposeHash({
      ...params(app, hash),
      deviceId: device.slice(2),
      privateKey: owner.privateKey,
    });
    assert.equal(result.sentTransaction, true);
    assert.ok(result.deviceTransactionHash);
    assert.equal(await nonceOf(owner), nonce + 2);
    assert.equal(await read(app, "allowedDeviceIds", device), true);
    assert.equal(await read(app, "allowedComposeHashes", hash), true);
    const [deviceTx, composeTx] = await Promise.all(
      [result.deviceTransactionHash, result.transactionHash].map((h) => client.getTransaction({ hash: h })),
    );
    assert.ok(deviceTx && composeTx && deviceTx.nonce < composeTx.nonce, "addDevice first");
  });

  it("a device the app does not allow, signer not the owner: the owner action names addDevice and addComposeHash with calldata", async () => {
    const hash = random32();
    const device = random32();
    const { app } = await newApp(other);
    const error = await registerComposeHash({
      ...params(app, hash),
      deviceId: device,
      privateKey: owner.privateKey,
    }).then(
      () => assert.fail("expected OwnerActionRequiredError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OwnerActionRequiredError);
    assert.deepEqual(
      error.actions.map((a) => [a.functionName, a.argument, a.calldata]),
      [
        ["addDevice", device, appCalldata("addDevice", device)],
        ["addComposeHash", hash, appCalldata("addComposeHash", hash)],
      ],
    );
    for (const action of error.actions) assert.ok(error.message.includes(action.calldata));
    assert.match(error.message, /addDevice\(.*addComposeHash\(/);

    // The owner submits both, in order; the next run finds the registration and sends nothing.
    const wallet = createWalletClient({
      account: privateKeyToAccount(other.privateKey),
      chain: localChain(node.rpcUrl),
      transport: http(node.rpcUrl),
    });
    for (const action of error.actions) {
      await client.waitForTransactionReceipt({
        hash: await wallet.sendTransaction({ to: app, data: action.calldata }),
        pollingInterval: 50,
      });
    }
    const nonce = await nonceOf(owner);
    const resumed = await registerComposeHash({
      ...params(app, hash),
      deviceId: device,
      privateKey: owner.privateKey,
    });
    assert.equal(resumed.sentTransaction, false);
    assert.equal(await nonceOf(owner), nonce);
  });

  it("allowAnyDevice lets any device through without addDevice", async () => {
    const { app } = await newApp(owner, { allowAnyDevice: true });
    const result = await registerComposeHash({
      ...params(app, random32()),
      deviceId: random32(),
      privateKey: owner.privateKey,
    });
    assert.equal(result.deviceTransactionHash, undefined);
  });

  it("reads the KMS signing key from DstackKms.kmsInfo(), on the KMS's own chain only", async () => {
    assert.equal(
      await kmsSigningKeyOnChain({ rpcUrl: node.rpcUrl, expectedChainId: node.chainId, kmsContract: kms }),
      kmsKey,
    );
    await assert.rejects(
      kmsSigningKeyOnChain({ rpcUrl: node.rpcUrl, expectedChainId: 8453, kmsContract: kms }),
      /serves chain/,
    );
  });
});
