import assert from "node:assert/strict";
import {
  ALWAYS_PRESENT_NAMES,
  INPUT_NAMES,
  PROPERTY_NAMES,
  type PropertyName,
} from "../../provider/cvm-environment/properties";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, providerFor } from "./helpers/harness";

describe("CvmEnvironment: every declared property is produced", function () {
  this.timeout(120_000);
  const emu = useEmulator();

  it("a create returns every output declared as always present", async () => {
    const cvmId = (await emu.createCvm({ name: "declared-always", kms: "phala" })).id;
    const stack = new OneResourceStack((await providerFor(emu)).provider);
    await stack.up({ cvmId, env: { A: "1" } });
    const outputs = stack.state?.outputs ?? {};
    assert.deepEqual(
      ALWAYS_PRESENT_NAMES.filter((name) => outputs[name] === undefined),
      [],
    );
  });

  it("an on-chain create and a refresh after a foreign write produce every property but the unset inputs", async () => {
    const { id: cvmId } = await emu.createCvm({
      name: "declared-all",
      kms: "onchain",
      owner: emu.appOwner.address,
    });
    const given: Partial<Record<PropertyName, unknown>> = {
      cvmId,
      env: { A: "1" },
      privateKey: emu.appOwner.privateKey,
      rpcUrl: emu.chain.rpcUrl,
      waitForReady: true,
      readyTimeoutSeconds: 120,
      verifyComposeHash: true,
      allowUnverifiedEnvPublicKey: false,
      adoptExistingEnv: false,
      overwriteForeignEnv: false,
    };
    const ours = new OneResourceStack((await providerFor(emu)).provider);
    await ours.up(given);
    const created = Object.keys(ours.state?.outputs ?? {});

    const other = new OneResourceStack((await providerFor(emu)).provider);
    await other.up({ cvmId, env: { A: "2" }, adoptExistingEnv: true });
    await ours.refresh();
    const produced = new Set([...created, ...Object.keys(ours.state?.outputs ?? {})]);

    const unsetInputs = INPUT_NAMES.filter(
      (name) => given[name] === undefined && !ALWAYS_PRESENT_NAMES.includes(name),
    );
    assert.deepEqual(unsetInputs, ["encryptedEnv"], "the other mode's input, exclusive with env");
    assert.deepEqual(
      PROPERTY_NAMES.filter((name) => !produced.has(name)),
      unsetInputs,
    );
  });
});
