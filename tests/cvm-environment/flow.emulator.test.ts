import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createPublicClient, getAddress, http } from "viem";
import { callsOfBatch } from "../../emulator/chain/safe-transaction";
import { OwnerActionRequiredError, registerComposeHash } from "../../provider/chain";
import { AdoptionRefusedError, OperationFailedError } from "../../provider/cvm-environment/errors";
import { OwnerActionPendingError } from "../../provider/cvm-environment/owner-action";
import { safeBatchFileSchema } from "../../provider/owner-action/safe-batch";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, patchCount, providerFor } from "./helpers/harness";

describe("CvmEnvironment against the emulator", function () {
  this.timeout(180_000);
  const emu = useEmulator();

  const cvm = (name: string) => {
    const found = emu.cvms.find((c) => c.name === name);
    assert.ok(found, name);
    return found;
  };

  it("PHALA KMS: refuses to adopt silently, then add, change, reorder, no-op, remove, delete", async () => {
    const target = cvm("phala-env-demo");
    const { provider } = await providerFor(emu);
    const stack = new OneResourceStack(provider);

    await assert.rejects(stack.up({ cvmId: target.app_id, env: { API_KEY: "k-1" } }), (error: unknown) => {
      assert.ok(error instanceof AdoptionRefusedError);
      assert.match(error.message, /LOG_LEVEL/);
      assert.match(error.message, /adoptExistingEnv/);
      return true;
    });
    assert.deepEqual(emu.inspectCvm(target.id).env, { LOG_LEVEL: "info" });

    assert.equal(
      await stack.up({ cvmId: target.app_id, env: { API_KEY: "k-1" }, adoptExistingEnv: true }),
      "create",
    );
    const outputs = stack.state?.outputs ?? {};
    assert.equal(outputs.canonicalCvmId, target.id);
    assert.equal(outputs.kmsType, "phala");
    assert.equal(outputs.chainId, undefined);
    assert.equal(typeof outputs.correlationId, "string");
    assert.deepEqual(emu.inspectCvm(target.id).env, { API_KEY: "k-1" });
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, ["API_KEY"]);

    assert.equal(
      await stack.up({ cvmId: target.app_id, env: { API_KEY: "k-1", DB_URL: "pg://a" } }),
      "update",
    );
    assert.deepEqual(stack.state?.inputs.envRevisions, { API_KEY: 1, DB_URL: 1 });
    assert.equal(
      await stack.up({ cvmId: target.app_id, env: { API_KEY: "k-2", DB_URL: "pg://a" } }),
      "update",
    );
    assert.deepEqual(stack.state?.inputs.envRevisions, { API_KEY: 2, DB_URL: 1 });
    assert.deepEqual(emu.inspectCvm(target.id).env, { API_KEY: "k-2", DB_URL: "pg://a" });

    const patches = patchCount(emu);
    assert.equal(await stack.up({ cvmId: target.app_id, env: { DB_URL: "pg://a", API_KEY: "k-2" } }), "same");
    assert.equal(await stack.up({ cvmId: target.id, env: { DB_URL: "pg://a", API_KEY: "k-2" } }), "update");
    assert.equal(patchCount(emu), patches, "reorder, no-op and another id of the same CVM send nothing");

    assert.equal(await stack.up({ cvmId: target.id, env: { DB_URL: "pg://b" } }), "update");
    assert.deepEqual(emu.inspectCvm(target.id).env, { DB_URL: "pg://b" });
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, ["DB_URL"]);

    await stack.destroy();
    assert.deepEqual(emu.inspectCvm(target.id).env, {});
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, []);
  });

  it("PHALA KMS answering 465: confirms with the compose hash only", async () => {
    emu.updateSettings({ phalaTwoPhase: true });
    try {
      const target = cvm("phala-env-demo");
      const { provider } = await providerFor(emu);
      const stack = new OneResourceStack(provider);
      await stack.up({ cvmId: target.id, env: { ONE: "1" }, adoptExistingEnv: true });
      await stack.up({ cvmId: target.id, env: { ONE: "1", TWO: "2" } });
      assert.deepEqual(emu.inspectCvm(target.id).env, { ONE: "1", TWO: "2" });
      assert.equal(stack.state?.outputs.registrationTransactionHash, undefined);
      await stack.destroy();
    } finally {
      emu.updateSettings({ phalaTwoPhase: false });
    }
  });

  it("on-chain KMS: verified env key, registration on a key change, none on a value change; delete clears on chain too", async () => {
    const target = cvm("onchain-env-demo");
    const { provider, reports } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    await stack.up({ cvmId: target.name, env: { API_KEY: "a", DB_URL: "b" } });
    const first = stack.state?.outputs ?? {};
    assert.equal(first.chainId, emu.chain.chainId);
    assert.equal(first.envPublicKeyVerified, true);
    assert.match(String(first.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
    assert.equal(first.composeHash, emu.inspectCvm(target.id).compose_hash);
    assert.deepEqual(emu.inspectCvm(target.id).env, { API_KEY: "a", DB_URL: "b" });

    await stack.up({ cvmId: target.name, env: { API_KEY: "a2", DB_URL: "b" } });
    const registrations = reports.filter((line) => line.includes("Registered in transaction")).length;
    assert.equal(registrations, 1, "value change: no chain step");
    assert.equal(stack.state?.outputs.composeHash, first.composeHash);
    assert.equal(
      stack.state?.outputs.registrationTransactionHash,
      first.registrationTransactionHash,
      "the compose hash is the same, so the transaction behind it is still the one in state",
    );
    assert.deepEqual(emu.inspectCvm(target.id).env, { API_KEY: "a2", DB_URL: "b" });

    await stack.up({ cvmId: target.name, env: { API_KEY: "a2" } });
    assert.notEqual(stack.state?.outputs.registrationTransactionHash, first.registrationTransactionHash);
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, ["API_KEY"]);

    await stack.destroy();
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, []);
    assert.ok(reports.some((line) => line.includes("Registered in transaction")));
    for (const line of reports) assert.equal(line.includes(emu.appOwner.privateKey.slice(2)), false);
  });

  it("signer not the owner (a 2-of-3 Safe): stops with the calls and a Transaction Builder file; once the Safe executes it, up completes with the Safe's transaction and no transaction of the signer", async () => {
    const target = cvm("multisig-env-demo");
    assert.equal(target.owner, emu.safe.address);
    const signer = emu.appOwner;
    const chain = createPublicClient({ transport: http(emu.chain.rpcUrl) });
    const signerNonce = await chain.getTransactionCount({ address: signer.address });
    const { provider, reports } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    const news = { cvmId: target.id, env: { LOG_LEVEL: "warn", NEW_KEY: "n" } };

    let pending: OwnerActionPendingError | undefined;
    await assert.rejects(stack.up(news), (error: unknown) => {
      assert.ok(error instanceof OwnerActionPendingError, String(error));
      assert.ok(error instanceof OwnerActionRequiredError);
      pending = error;
      return true;
    });
    assert.ok(pending?.batchFile);
    const app = getAddress(target.app_contract ?? "0x");
    assert.equal(pending.contract, app);
    for (const part of [
      pending.composeHash,
      app,
      `chain ${emu.chain.chainId}`,
      emu.safe.address,
      pending.calldata,
      pending.batchFile,
    ]) {
      assert.ok(pending.message.includes(part), `the message names ${part}`);
    }
    assert.ok(reports.some((line) => line.includes(pending?.batchFile ?? "?")));

    const text = readFileSync(pending.batchFile, "utf8");
    assert.equal(text.includes(signer.privateKey.slice(2)), false, "no key in the file");
    const file = safeBatchFileSchema.parse(JSON.parse(text));
    assert.equal(file.chainId, String(emu.chain.chainId));
    assert.equal(file.meta.createdFromSafeAddress, emu.safe.address);
    assert.deepEqual(
      file.transactions.map((t) => [t.to, t.contractMethod.name, t.contractInputsValues]),
      [[app, "addComposeHash", { composeHash: pending.composeHash }]],
    );

    // The owners act: the Safe transaction built from the file, signed by two owners, executed.
    const executed = await emu.safe.execute(callsOfBatch(file.transactions));

    assert.equal(await stack.up(news), "create");
    assert.equal(stack.state?.outputs.registrationTransactionHash, executed);
    assert.deepEqual(emu.inspectCvm(target.id).env, { LOG_LEVEL: "warn", NEW_KEY: "n" });
    assert.equal(
      await chain.getTransactionCount({ address: signer.address }),
      signerNonce,
      "the signer sent nothing",
    );
  });

  it("a Safe-owned app whose device is new: the batch holds addDevice then addComposeHash; executed through MultiSend, it satisfies the API and the CVM boots", async () => {
    const seeded = await emu.createCvm({
      name: "safe-new-device",
      kms: "onchain",
      owner: "safe",
      deviceAllowed: false,
      exposeEnvPubkey: true,
    });
    const { provider } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    const news = { cvmId: seeded.id, env: { API_KEY: "k" } };
    let pending: OwnerActionPendingError | undefined;
    await assert.rejects(stack.up(news), (error: unknown) => {
      assert.ok(error instanceof OwnerActionPendingError, String(error));
      pending = error;
      return true;
    });
    assert.ok(pending?.batchFile);
    const file = safeBatchFileSchema.parse(JSON.parse(readFileSync(pending.batchFile, "utf8")));
    assert.deepEqual(
      file.transactions.map((t) => [t.contractMethod.name, Object.values(t.contractInputsValues)[0], t.data]),
      pending.actions.map((a) => [a.functionName, a.argument, a.calldata]),
    );
    assert.deepEqual(
      file.transactions.map((t) => t.contractMethod.name),
      ["addDevice", "addComposeHash"],
    );
    const executed = await emu.safe.execute(callsOfBatch(file.transactions));
    assert.equal(await stack.up(news), "create");
    assert.equal(stack.state?.outputs.registrationTransactionHash, executed);
    const inside = await emu.waitForIdle(seeded.id);
    assert.equal(inside.status, "running");
    assert.deepEqual(inside.env, { API_KEY: "k" });
  });

  it("a crash between the transaction and phase 2 resumes without a second transaction", async () => {
    const seeded = await emu.createCvm({ name: "crash-resume", kms: "onchain", owner: emu.appOwner.address });
    const sent: boolean[] = [];
    let crash = true;
    const { provider } = await providerFor(
      emu,
      {},
      {
        registerComposeHash: async (params) => {
          const result = await registerComposeHash(params);
          sent.push(result.sentTransaction);
          if (crash) {
            crash = false;
            throw new Error("process killed after the transaction was mined");
          }
          return result;
        },
      },
    );
    const stack = new OneResourceStack(provider);
    await assert.rejects(stack.up({ cvmId: seeded.id, env: { A: "1" } }), /process killed/);
    assert.deepEqual(emu.inspectCvm(seeded.id).allowed_envs, []);
    await stack.up({ cvmId: seeded.id, env: { A: "1" } });
    assert.deepEqual(sent, [true, false]);
    assert.deepEqual(emu.inspectCvm(seeded.id).env, { A: "1" });
  });

  it("ten resources sharing one signer apply in parallel", async () => {
    const targets = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        emu.createCvm({ name: `parallel-${i}`, kms: "onchain", owner: emu.appOwner.address }),
      ),
    );
    const { provider } = await providerFor(emu);
    const stacks = targets.map(() => new OneResourceStack(provider));
    await Promise.all(
      stacks.map((stack, i) => stack.up({ cvmId: targets[i]?.id, env: { [`KEY_${i}`]: `v${i}` } })),
    );
    const txs = new Set(stacks.map((s) => s.state?.outputs.registrationTransactionHash));
    assert.equal(txs.size, 10);
    targets.forEach((target, i) => {
      assert.deepEqual(emu.inspectCvm(target.id).env, { [`KEY_${i}`]: `v${i}` });
    });
  });

  it("refresh reports drift of the allowed keys as inputs; the next up restores them; an unproven 404 keeps the resource", async () => {
    const target = cvm("onchain-pubkey-demo");
    const { provider } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    const env = { LOG_LEVEL: "debug", API_KEY: "x" };
    await stack.up({ cvmId: target.id, env });
    assert.equal(await stack.refresh(), undefined, "no drift");

    await emu.setAllowedEnvs(target.id, ["API_KEY", "EXTRA"]);
    const drifted = await stack.refresh();
    assert.deepEqual(drifted?.envRevisions, { API_KEY: 1, EXTRA: 0 });
    assert.deepEqual(drifted?.env, { API_KEY: "x" });
    assert.equal(await stack.up({ cvmId: target.id, env }), "update");
    assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, ["API_KEY", "LOG_LEVEL"]);

    // A 404 alone is no proof (tests/cvm-environment/absence.emulator.test.ts): without the CVM's workspace in
    // state, refresh keeps the resource and says why.
    const unknown = new OneResourceStack(provider);
    unknown.state = { id: "cvm_does_not_exist", outputs: { cvmId: "cvm_does_not_exist" }, inputs: {} };
    await assert.rejects(unknown.refresh(), /does not prove the CVM is gone/);
    assert.ok(unknown.state);
  });

  it("a failed operation is an error with the server's message; a missing API key is reported at create", async () => {
    const seeded = await emu.createCvm({ name: "failing-op", kms: "phala" });
    const { provider } = await providerFor(emu);
    emu.failNextOperation("image pull failed");
    await assert.rejects(
      new OneResourceStack(provider).up({ cvmId: seeded.id, env: { A: "1" } }),
      (error: unknown) => {
        assert.ok(error instanceof OperationFailedError);
        assert.match(error.message, /image pull failed/);
        return true;
      },
    );

    const { provider: unconfigured } = await providerFor(emu, { "phala:apiKey": "" });
    const checked = await unconfigured.check?.({}, { cvmId: seeded.id, env: { A: "1" } });
    assert.equal(checked?.failures, undefined, "check needs no credentials");
    await assert.rejects(unconfigured.create(checked?.inputs), /phala:apiKey/);
  });
});
