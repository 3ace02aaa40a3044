import assert from "node:assert/strict";
import { registerComposeHash } from "../../provider/chain";
import { ForeignWriteError } from "../../provider/cvm-environment/foreign-writes";
import { apiFor } from "../../provider/cvm-environment/session";
import { useEmulator } from "../support/fixtures";
import { apiWith, OneResourceStack, providerFor } from "./helpers/harness";

/** `pulumi up` killed after the API accepted phase 2: state still holds the old outputs, the CVM the new keys. */
describe("CvmEnvironment after an interrupted run (emulator)", function () {
  this.timeout(120_000);
  const emu = useEmulator();

  it("the next run names the transaction behind the CVM's compose hash again, found on chain", async () => {
    const seeded = await emu.createCvm({ name: "interrupted", kms: "onchain", owner: emu.appOwner.address });
    const sent: string[] = [];
    let killAfterPhase2 = false;
    const { provider, reports } = await providerFor(
      emu,
      {},
      {
        registerComposeHash: async (params) => {
          const result = await registerComposeHash(params);
          if (result.sentTransaction) sent.push(result.transactionHash);
          return result;
        },
        createApi: (settings, report) => {
          const api = apiFor(settings, report);
          return apiWith(api, {
            patchEnvs: async (cvmId, body) => {
              const accepted = await api.patchEnvs(cvmId, body);
              if (killAfterPhase2 && body.transactionHash !== undefined) {
                killAfterPhase2 = false;
                throw new Error("process killed after phase 2 was accepted");
              }
              return accepted;
            },
          });
        },
      },
    );
    const stack = new OneResourceStack(provider);
    await stack.up({ cvmId: seeded.id, env: { A: "1" } });
    const first = stack.state?.outputs.registrationTransactionHash;
    assert.equal(first, sent[0]);

    killAfterPhase2 = true;
    await assert.rejects(stack.up({ cvmId: seeded.id, env: { A: "1", B: "2" } }), /process killed/);
    assert.equal(sent.length, 2);
    await emu.waitForIdle(seeded.id);
    assert.deepEqual(emu.inspectCvm(seeded.id).allowed_envs, ["A", "B"]);
    assert.equal(
      stack.state?.outputs.registrationTransactionHash,
      first,
      "state still holds the old outputs",
    );

    // The interrupted run's write is not in state, so it is refused as foreign, saying it may be ours.
    await assert.rejects(stack.up({ cvmId: seeded.id, env: { A: "1", B: "2" } }), (error: unknown) => {
      assert.ok(error instanceof ForeignWriteError);
      assert.match(error.message, /interrupted/);
      return true;
    });
    assert.equal(
      await stack.up({ cvmId: seeded.id, env: { A: "1", B: "2" }, overwriteForeignEnv: true }),
      "update",
    );
    assert.equal(sent.length, 2, "no second transaction");
    assert.equal(stack.state?.outputs.registrationTransactionHash, sent[1]);
    assert.equal(stack.state?.outputs.composeHash, emu.inspectCvm(seeded.id).compose_hash);
    assert.ok(reports.some((line) => line.includes(`registered in transaction ${sent[1]}`)));
  });
});
