import assert from "node:assert/strict";
import { createPublicClient, http } from "viem";
import { OwnerActionRequiredError, ReceiptTimeoutError } from "../../provider/chain";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, providerFor } from "./helpers/harness";

/** The two-phase flow against the emulator in the situations an honest chain produces. */
describe("CvmEnvironment: chain fidelity against the emulator", function () {
  this.timeout(180_000);
  const emu = useEmulator({ settings: { operationDurationMs: 50 } });

  const chain = () => createPublicClient({ transport: http(emu.chain.rpcUrl) });
  const rpc = (method: string, params: unknown[] = []) =>
    (chain().request as (args: { method: string; params: unknown[] }) => Promise<unknown>)({
      method,
      params,
    });
  const ownerNonce = () => chain().getTransactionCount({ address: emu.appOwner.address });

  for (const name of ["unicode-compose-demo", "bash-runner-demo"]) {
    it(`a key change on ${name} passes the compose hash check (upstream's preprocessing) and registers once`, async () => {
      const target = emu.cvms.find((c) => c.name === name);
      assert.ok(target);
      const { provider } = await providerFor(emu);
      const stack = new OneResourceStack(provider);
      const nonce = await ownerNonce();
      await stack.up({ cvmId: target.id, env: { LOG_LEVEL: "info", NEW_KEY: "n" } });
      assert.deepEqual(emu.inspectCvm(target.id).allowed_envs, ["LOG_LEVEL", "NEW_KEY"]);
      assert.match(String(stack.state?.outputs.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
      assert.equal(await ownerNonce(), nonce + 1);
    });
  }

  it("a receipt timeout, then a new process: the pending addComposeHash is waited for, not sent again (automine off)", async () => {
    const seeded = await emu.createCvm({
      name: "pending-resume",
      kms: "onchain",
      owner: emu.appOwner.address,
    });
    const nonce = await ownerNonce();
    await rpc("evm_setAutomine", [false]);
    try {
      const first = await providerFor(
        emu,
        {},
        {
          timing: {
            pollIntervalMs: 50,
            maxPollIntervalMs: 200,
            receiptTimeoutMs: 500,
            receiptPollIntervalMs: 100,
          },
        },
      );
      await assert.rejects(
        new OneResourceStack(first.provider).up({ cvmId: seeded.id, env: { A: "1" } }),
        (error: unknown) => {
          assert.ok(error instanceof ReceiptTimeoutError, String(error));
          return true;
        },
      );
      assert.deepEqual(emu.inspectCvm(seeded.id).allowed_envs, []);

      // A new process: this one remembers what it sent per RPC URL, so another spelling of the
      // node's URL stands for a process that knows nothing of the first run.
      const second = await providerFor(emu, { "phala:rpcUrl": `${emu.chain.rpcUrl}/` });
      const stack = new OneResourceStack(second.provider);
      const resumed = stack.up({ cvmId: seeded.id, env: { A: "1" } });
      // Mine only once the second run has had time to look for the pending transaction.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await rpc("evm_mine");
      await resumed;
      assert.ok(
        second.reports.some((line) => /pending/.test(line) && /waiting for it/.test(line)),
        second.reports.join("\n"),
      );
      assert.equal(await ownerNonce(), nonce + 1, "one transaction in all");
      assert.deepEqual(emu.inspectCvm(seeded.id).env, { A: "1" });
    } finally {
      await rpc("evm_setAutomine", [true]);
    }
  });
  it("keys back to the deploy-time set: the factory-registered hash gets a fresh addComposeHash, not the factory transaction", async () => {
    const seeded = await emu.createCvm({
      name: "factory-return",
      kms: "onchain",
      allowedEnvs: ["LOG_LEVEL"],
      env: { LOG_LEVEL: "info" },
    });
    const { provider, reports } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    await stack.up({ cvmId: seeded.id, env: { LOG_LEVEL: "info", NEW_KEY: "n" }, adoptExistingEnv: true });
    const nonce = await ownerNonce();
    await stack.up({ cvmId: seeded.id, env: { LOG_LEVEL: "debug" }, adoptExistingEnv: true });
    assert.deepEqual(emu.inspectCvm(seeded.id).allowed_envs, ["LOG_LEVEL"]);
    assert.equal(await ownerNonce(), nonce + 1, "a fresh registration");
    const tx = String(stack.state?.outputs.registrationTransactionHash) as `0x${string}`;
    const receipt = await chain().getTransactionReceipt({ hash: tx });
    assert.equal(receipt.to?.toLowerCase(), `0x${seeded.app_id}`.toLowerCase());
    assert.ok(
      reports.some((line) => /does not qualify/.test(line)),
      reports.join("\n"),
    );
  });

  it("the docs' minimal 465 kms_info ({chain_id, kms_contract_address}) is enough for the flow", async () => {
    const seeded = await emu.createCvm({ name: "docs-465", kms: "onchain" });
    emu.updateSettings({ kmsInfoLayout: "docs" });
    try {
      const { provider } = await providerFor(emu);
      const stack = new OneResourceStack(provider);
      await stack.up({ cvmId: seeded.id, env: { A: "1" } });
      assert.deepEqual(emu.inspectCvm(seeded.id).env, { A: "1" });
      assert.match(String(stack.state?.outputs.registrationTransactionHash), /^0x[0-9a-f]{64}$/);
    } finally {
      emu.updateSettings({ kmsInfoLayout: "full" });
    }
  });

  it("a device the app does not allow: the owner sends addDevice, then addComposeHash, and the CVM boots", async () => {
    const seeded = await emu.createCvm({ name: "device-new", kms: "onchain", deviceAllowed: false });
    const { provider } = await providerFor(emu);
    const stack = new OneResourceStack(provider);
    const nonce = await ownerNonce();
    await stack.up({ cvmId: seeded.id, env: { A: "1" } });
    assert.equal(await ownerNonce(), nonce + 2);
    assert.deepEqual(emu.inspectCvm(seeded.id).env, { A: "1" });
  });

  it("a device the app does not allow, signer not the owner: the owner action names addDevice and addComposeHash", async () => {
    const seeded = await emu.createCvm({
      name: "device-safe",
      kms: "onchain",
      owner: "safe",
      deviceAllowed: false,
    });
    const { provider } = await providerFor(emu);
    await assert.rejects(
      new OneResourceStack(provider).up({ cvmId: seeded.id, env: { A: "1" } }),
      (error: unknown) => {
        assert.ok(error instanceof OwnerActionRequiredError);
        assert.deepEqual(
          error.actions.map((a) => a.functionName),
          ["addDevice", "addComposeHash"],
        );
        for (const action of error.actions) assert.ok(error.message.includes(action.calldata));
        return true;
      },
    );
    assert.deepEqual(emu.inspectCvm(seeded.id).env, {});
  });
});
