import assert from "node:assert/strict";
import type { PatchEnvsBody } from "../../provider/api";
import { envKeysToSend } from "../../provider/cvm-environment/env-request";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, providerWithApi } from "./helpers/harness";

describe("env_keys order", () => {
  it("keeps the CVM's own order when the key set is unchanged, sorts a changed set", () => {
    assert.deepEqual(envKeysToSend(["B", "A"], ["A", "B"]), ["B", "A"]);
    assert.deepEqual(envKeysToSend(["B", "A"], ["B", "A", "C"]), ["A", "B", "C"]);
    assert.deepEqual(envKeysToSend(["B", "A"], ["A"]), ["A"]);
    assert.deepEqual(envKeysToSend([], []), []);
    assert.deepEqual(envKeysToSend(["A", "A"], ["A"]), ["A"], "a list with duplicates is not the same list");
  });

  describe("against the emulator", function () {
    this.timeout(120_000);
    const emu = useEmulator({ settings: { operationDurationMs: 50 } });

    it("a value change on a CVM whose allowed_envs are not sorted sends them in the CVM's order", async () => {
      const target = emu.cvms.find((c) => c.name === "onchain-env-demo");
      assert.ok(target);
      const sent: PatchEnvsBody[] = [];
      let reversed = false;
      // A server that keeps allowed_envs in the order it was given, not sorted.
      const { provider } = await providerWithApi(emu, (client) => ({
        getCvm: async (id) => {
          const detail = await client.getCvm(id);
          return reversed && detail.allowedEnvs
            ? { ...detail, allowedEnvs: [...detail.allowedEnvs].reverse() }
            : detail;
        },
        patchEnvs: (id, body) => {
          sent.push({ ...body });
          return client.patchEnvs(id, body);
        },
      }));
      const stack = new OneResourceStack(provider);
      await stack.up({
        cvmId: target.id,
        env: { API_KEY: "a", DB_URL: "b", LOG_LEVEL: "x" },
        adoptExistingEnv: true,
      });
      assert.deepEqual(
        sent.at(-1)?.envKeys,
        ["API_KEY", "DB_URL", "LOG_LEVEL"],
        "a changed set is sent sorted",
      );
      reversed = true;
      sent.length = 0;
      await stack.up({
        cvmId: target.id,
        env: { API_KEY: "a2", DB_URL: "b", LOG_LEVEL: "x" },
        adoptExistingEnv: true,
      });
      assert.equal(sent.length, 1, "no 465, no second phase");
      assert.deepEqual(sent[0]?.envKeys, ["LOG_LEVEL", "DB_URL", "API_KEY"]);
      assert.equal(sent[0]?.composeHash, undefined);
      assert.deepEqual(emu.inspectCvm(target.id).env, { API_KEY: "a2", DB_URL: "b", LOG_LEVEL: "x" });
      await stack.destroy();
    });
  });
});
