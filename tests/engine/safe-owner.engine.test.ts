import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { CvmEnvironment } from "pulumi-phala";
import { createPublicClient, getAddress, http } from "viem";
import type { SeededCvm } from "../../emulator";
import { executeSafeTransaction, safeAbi } from "../../emulator/chain/safe";
import { callsOfBatch, safeTransactionFor } from "../../emulator/chain/safe-transaction";
import { safeBatchFileSchema } from "../../provider/owner-action/safe-batch";
import { useEmulator } from "../support/fixtures";
import { emulatorStack, providePulumiCli } from "./engine-fixture";

describe("engine: an app owned by a 2-of-3 Safe, from `pulumi up` to the owners' signatures and back", function () {
  this.timeout(600_000);

  const emulator = useEmulator({ settings: { operationDurationMs: 150 } });
  let engine: Awaited<ReturnType<typeof emulatorStack>>;
  let multisig: SeededCvm;
  let env: Record<string, string> = {};
  const token = `tok-${randomBytes(8).toString("hex")}`;
  const chain = () => createPublicClient({ transport: http(emulator.chain.rpcUrl) });

  before(async function () {
    providePulumiCli(this);
    const found = emulator.cvms.find((c) => c.name === "multisig-env-demo");
    assert.ok(found);
    multisig = found;
    assert.equal(multisig.owner, emulator.safe.address);
    engine = await emulatorStack(emulator, "safe", async () => {
      const resource = new CvmEnvironment("safe-app-env", { cvmId: multisig.id, env });
      return { tx: resource.registrationTransactionHash, keys: resource.envKeys };
    });
  });

  after(async () => {
    await engine?.dispose();
  });

  it("up stops with the batch file; two owners sign the Safe transaction from it; up completes with no transaction of the signer", async () => {
    const signer = emulator.appOwner.address;
    const signerNonce = await chain().getTransactionCount({ address: signer });
    const safe = emulator.safe.address;
    const app = getAddress(multisig.app_contract ?? "0x");
    env = { LOG_LEVEL: "warn", API_TOKEN: token };

    const failure = await engine.stack.up().then(
      () => assert.fail("a key-set change on a Safe-owned app needs the owners"),
      (error: Error) => error,
    );
    const batchPath = failure.message.match(/(\/\S+\.safe-batch\.json)/)?.[1];
    assert.ok(batchPath, `the error names the batch file: ${failure.message}`);
    for (const part of [app, safe, `chain ${emulator.chain.chainId}`]) {
      assert.ok(failure.message.toLowerCase().includes(part.toLowerCase()), `the error names ${part}`);
    }
    assert.match(failure.message, /0xdfc77223[0-9a-f]{64}/, "plain calldata for a Timelock or DAO");
    const text = readFileSync(batchPath, "utf8");
    assert.equal(text.includes(token), false);
    const file = safeBatchFileSchema.parse(JSON.parse(text));
    assert.equal(file.meta.createdFromSafeAddress, safe);
    assert.deepEqual(
      file.transactions.map((t) => t.contractMethod.name),
      ["addComposeHash"],
    );

    // As the Safe app does: the Safe transaction at the Safe's nonce, two owners' EIP-712 signatures, execTransaction.
    const nonce = await chain().readContract({ address: safe, abi: safeAbi, functionName: "nonce" });
    const transaction = safeTransactionFor(callsOfBatch(file.transactions), nonce, emulator.safe.multiSend);
    const executed = await executeSafeTransaction({
      rpcUrl: emulator.chain.rpcUrl,
      safe,
      transaction,
      // Two of the three owners sign (EIP-712 SafeTx); a third account pays for the execution.
      ownerPrivateKeys: emulator.safe.owners.slice(1, 3).map((o) => o.privateKey),
      executorPrivateKey: emulator.chain.accounts[8]?.privateKey ?? "0x",
    });

    const result = await engine.stack.up();
    assert.equal(result.outputs.tx?.value, executed, "phase 2 used the Safe's execution transaction");
    const inside = await emulator.waitForIdle(multisig.id);
    assert.equal(inside.status, "running");
    assert.deepEqual(inside.env, { LOG_LEVEL: "warn", API_TOKEN: token }, "the CVM runs the new env");
    assert.equal(
      await chain().getTransactionCount({ address: signer }),
      signerNonce,
      "the signer sent nothing",
    );
  });
});
