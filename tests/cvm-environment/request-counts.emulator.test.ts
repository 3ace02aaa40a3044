import assert from "node:assert/strict";
import { createPublicClient, http } from "viem";
import { ComposeHashMismatchError } from "../../provider/cvm-environment/errors";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, providerFor, providerWithApi } from "./helpers/harness";

/**
 * The API requests one update makes, by kind, counted by the emulator. The provider's sleep waits for
 * the emulator's operation to finish, and the wait looks first after a pause, so it polls exactly once
 * and the counts do not depend on timing.
 */
describe("CvmEnvironment: API requests per update", function () {
  this.timeout(120_000);
  const emu = useEmulator();

  it("an on-chain create, a key-set change in a new provider process, then a values-only change", async () => {
    const target = emu.cvms.find((c) => c.name === "onchain-env-demo");
    assert.ok(target);
    const provider = async () => {
      const { provider } = await providerFor(
        emu,
        {},
        { sleep: async () => void (await emu.waitForIdle(target.id)) },
      );
      return provider;
    };
    const created = new OneResourceStack(await provider());
    emu.resetRequests();
    await created.up({ cvmId: target.id, env: { A: "1", B: "2" }, adoptExistingEnv: true });
    assert.deepEqual(emu.requestCounts(), {
      "GET /cvms/{id}": 1,
      "GET /cvms/{id}/operations": 3,
      // The KMS signing key of the chain, then the env public key it signed.
      "GET /kms/on-chain/{chain}": 1,
      "GET /kms/{kms}/pubkey/{app_id}": 1,
      "PATCH /cvms/{id}/envs": 2,
    });

    // `pulumi up` starts a new provider process: only state is known from the earlier run.
    const stack = new OneResourceStack(await provider());
    stack.state = created.state;
    emu.resetRequests();
    await stack.up({ cvmId: target.id, env: { A: "1", B: "2", C: "3" } });
    assert.deepEqual(emu.requestCounts(), {
      "GET /cvms/{id}": 1,
      // The second-writer guard, its check again before phase 2 (after the chain step), and the wait's
      // one poll, which also shows that no other writer wrote meanwhile.
      "GET /cvms/{id}/operations": 3,
      // No KMS lookups: the env public key in state was verified when the resource was created. The
      // compose hash is checked against the compose file the CVM detail carried.
      "PATCH /cvms/{id}/envs": 2,
    });

    emu.resetRequests();
    await stack.up({ cvmId: target.id, env: { A: "1", B: "2b", C: "3" } });
    assert.deepEqual(emu.requestCounts(), {
      "GET /cvms/{id}": 1,
      // The guard and the wait's one poll.
      "GET /cvms/{id}/operations": 2,
      "PATCH /cvms/{id}/envs": 1,
    });
    assert.deepEqual(emu.inspectCvm(target.id).env, { A: "1", B: "2b", C: "3" });
    await stack.destroy();
  });

  describe("the compose hash check when the detail's compose file yields another hash", () => {
    const onchain = () => {
      const found = emu.cvms.find((c) => c.name === "onchain-env-demo");
      assert.ok(found);
      return found;
    };
    const withDetailCompose = (composeFile: (real: Record<string, unknown>) => Record<string, unknown>) =>
      providerWithApi(emu, (client) => ({
        composeFileOfLastDetail: (cvmId) => {
          const real = client.composeFileOfLastDetail(cvmId);
          return real && composeFile(real);
        },
      }));

    it("reads the compose file and goes on when that one yields the hash", async () => {
      const { provider } = await withDetailCompose((real) => ({ ...real, name: "not what the CVM runs" }));
      const stack = new OneResourceStack(provider);
      emu.resetRequests();
      await stack.up({ cvmId: onchain().id, env: { ONLY: "1" }, adoptExistingEnv: true });
      assert.equal(emu.requestCounts()["GET /cvms/{id}/compose_file"], 1);
      assert.deepEqual(emu.inspectCvm(onchain().id).env, { ONLY: "1" });
      await stack.destroy();
    });

    it("refuses to sign when neither compose file yields the hash", async () => {
      const { provider } = await providerWithApi(emu, (client) => ({
        composeFileOfLastDetail: () => undefined,
        getComposeFile: async (cvmId) => ({ ...(await client.getComposeFile(cvmId)), name: "tampered" }),
      }));
      const stack = new OneResourceStack(provider);
      const chain = createPublicClient({ transport: http(emu.chain.rpcUrl) });
      const nonce = () => chain.getTransactionCount({ address: emu.appOwner.address });
      const before = await nonce();
      await assert.rejects(
        stack.up({ cvmId: onchain().id, env: { ONLY: "1", OTHER: "2" }, adoptExistingEnv: true }),
        ComposeHashMismatchError,
      );
      assert.equal(await nonce(), before, "nothing was signed");
    });
  });
});
