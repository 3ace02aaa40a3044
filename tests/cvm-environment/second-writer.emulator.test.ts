import assert from "node:assert/strict";
import { ConcurrentWriteError, ForeignWriteError } from "../../provider/cvm-environment/foreign-writes";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, patchCount, providerFor } from "./helpers/harness";

/**
 * Two stacks on one CVM (PHALA KMS: no chain step) against the emulator, whose operations list names
 * every env update by correlation id, as the API does.
 */
describe("CvmEnvironment: a second writer is detected, never silently overwritten", function () {
  this.timeout(120_000);
  const emu = useEmulator();

  const freshCvm = async (name: string) => (await emu.createCvm({ name, kms: "phala" })).id;
  const twoStacks = async () => {
    const a = await providerFor(emu);
    const b = await providerFor(emu);
    return { a: new OneResourceStack(a.provider), b: new OneResourceStack(b.provider), reportsA: a.reports };
  };
  const rejectsWith = async <E extends Error>(run: Promise<unknown>, type: new (...args: never[]) => E) => {
    const error = await run.then(
      () => assert.fail(`expected ${type.name}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof type, String(error));
    return error;
  };

  it("create on a CVM another stack wrote: refused (nothing sent) unless adoptExistingEnv", async () => {
    const cvmId = await freshCvm("second-writer-create");
    const { a, b } = await twoStacks();
    await a.up({ cvmId, env: { TOKEN: "from-a" } });
    const before = patchCount(emu);

    // The same key names: a key-name comparison alone would let this through.
    const refused = await rejectsWith(b.up({ cvmId, env: { TOKEN: "from-b" } }), ForeignWriteError);
    assert.match(refused.message, /adoptExistingEnv: true/);
    assert.equal(patchCount(emu), before, "nothing sent");
    assert.deepEqual(emu.inspectCvm(cvmId).env, { TOKEN: "from-a" });
  });

  it("after a foreign write: refresh reports it; update and destroy refuse; overwriteForeignEnv allows", async () => {
    const cvmId = await freshCvm("second-writer-update");
    const { a, b, reportsA } = await twoStacks();
    await a.up({ cvmId, env: { TOKEN: "from-a" } });
    await b.up({ cvmId, env: { TOKEN: "from-b" }, adoptExistingEnv: true });
    const foreign = b.state?.outputs.correlationId;
    assert.ok(typeof foreign === "string");

    await a.refresh();
    assert.equal(a.state?.outputs.foreignEnvWrite, foreign, "refresh names the foreign write");
    assert.ok(reportsA.some((line) => line.includes(foreign) && line.includes("outside this resource")));

    const before = patchCount(emu);
    const update = await rejectsWith(a.up({ cvmId, env: { TOKEN: "a-again" } }), ForeignWriteError);
    assert.match(update.message, new RegExp(`${foreign}.*overwriteForeignEnv: true`));
    const destroy = await rejectsWith(a.destroy(), ForeignWriteError);
    assert.match(destroy.message, /overwriteForeignEnv/);
    assert.equal(patchCount(emu), before, "nothing sent");
    assert.deepEqual(emu.inspectCvm(cvmId).env, { TOKEN: "from-b" }, "the other stack's env is intact");

    await a.up({ cvmId, env: { TOKEN: "a-again" }, overwriteForeignEnv: true });
    assert.deepEqual(emu.inspectCvm(cvmId).env, { TOKEN: "a-again" });
    assert.equal(a.state?.outputs.foreignEnvWrite, undefined);
  });

  it("the stack's own writes are no foreign write: update, refresh and destroy go through", async () => {
    const cvmId = await freshCvm("second-writer-own");
    const { a } = await twoStacks();
    await a.up({ cvmId, env: { TOKEN: "1" } });
    await a.up({ cvmId, env: { TOKEN: "2" } });
    assert.equal(await a.refresh(), undefined);
    assert.equal(a.state?.outputs.foreignEnvWrite, undefined);
    await a.destroy();
    assert.deepEqual(emu.inspectCvm(cvmId).allowed_envs, []);
  });

  it("concurrent creates on a fresh CVM: they do not both report success", async () => {
    const cvmId = await freshCvm("second-writer-race");
    const { a, b } = await twoStacks();
    const results = await Promise.allSettled([
      a.up({ cvmId, env: { TOKEN: "from-a" } }),
      b.up({ cvmId, env: { TOKEN: "from-b" } }),
    ]);
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(failed.length >= 1, true, "at least one of the two creates fails");
    for (const r of failed) {
      const reason = (r as PromiseRejectedResult).reason;
      assert.ok(
        reason instanceof ForeignWriteError || reason instanceof ConcurrentWriteError,
        String(reason),
      );
    }
    const succeeded = results.findIndex((r) => r.status === "fulfilled");
    if (succeeded >= 0) {
      await emu.waitForIdle(cvmId);
      const expected = succeeded === 0 ? "from-a" : "from-b";
      assert.deepEqual(
        emu.inspectCvm(cvmId).env,
        { TOKEN: expected },
        "the success reported is what the CVM holds",
      );
    }
  });
});
