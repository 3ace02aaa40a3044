import assert from "node:assert/strict";
import { AuthError } from "../../provider/api";
import { CvmNotProvenGoneError } from "../../provider/cvm-environment/resolve-or-gone";
import { useEmulator } from "../support/fixtures";
import { OneResourceStack, patchCount, providerFor } from "./helpers/harness";

/** A 404 is not proof of absence: the API answers 404 for a CVM of another workspace too. */
describe("CvmEnvironment: a CVM is reported gone only when that is proven", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  beforeEach(() => emu.clearFaults());

  /** A stack that created an env on a fresh CVM with the right key. */
  const created = async (name: string) => {
    const cvmId = (await emu.createCvm({ name, kms: "phala" })).id;
    const stack = new OneResourceStack((await providerFor(emu)).provider);
    await stack.up({ cvmId, env: { TOKEN: `${name}-value` } });
    assert.equal(stack.state?.outputs.workspaceId, "wks_emulator", "state records the CVM's workspace");
    return { cvmId, stack };
  };
  /** The same state, driven by a provider configured with another API key. */
  const withKey = async (stack: OneResourceStack, apiKey: string) => {
    const other = new OneResourceStack((await providerFor(emu, { "phala:apiKey": apiKey })).provider);
    other.state = stack.state;
    return other;
  };

  it("an API key of another workspace: destroy and refresh fail, the env stays, the resource stays in state", async () => {
    const { cvmId, stack } = await created("absence-other-workspace");
    const wrong = await withKey(stack, emu.otherWorkspaceApiKey);
    const patches = patchCount(emu);

    await assert.rejects(wrong.destroy(), (error: unknown) => {
      assert.ok(error instanceof CvmNotProvenGoneError, String(error));
      assert.match(error.message, /lists no CVM at all/);
      assert.match(error.message, /pulumi state delete/);
      assert.ok(!error.message.includes(emu.otherWorkspaceApiKey));
      return true;
    });
    assert.ok(wrong.state, "destroy did not report success");
    await assert.rejects(wrong.refresh(), CvmNotProvenGoneError);
    assert.ok(wrong.state, "refresh did not drop the resource");

    assert.equal(patchCount(emu), patches, "nothing sent");
    assert.deepEqual(emu.inspectCvm(cvmId).env, { TOKEN: "absence-other-workspace-value" });
  });

  it("a rejected API key is an authentication error, not absence", async () => {
    const { cvmId, stack } = await created("absence-bad-key");
    const wrong = await withKey(stack, "phak_not_a_key_of_anyone_0123456789");
    await assert.rejects(wrong.destroy(), AuthError);
    await assert.rejects(wrong.refresh(), AuthError);
    assert.ok(wrong.state);
    assert.deepEqual(emu.inspectCvm(cvmId).env, { TOKEN: "absence-bad-key-value" });
  });

  it("one 404 that a second read contradicts changes nothing", async () => {
    const { stack } = await created("absence-transient");
    emu.injectFault({ route: "GET /cvms/{id}", status: 404, times: 1, body: { detail: "CVM not found" } });
    assert.equal(await stack.refresh(), undefined);
    assert.ok(stack.state, "still in state");
  });

  it("a CVM deleted from the key's own workspace: refresh drops it and destroy succeeds without a request to change", async () => {
    const first = await created("absence-deleted-1");
    const second = await created("absence-deleted-2");
    emu.deleteCvm(first.cvmId);
    emu.deleteCvm(second.cvmId);
    assert.equal(await first.stack.refresh(), undefined);
    assert.equal(first.stack.state, undefined, "refresh dropped the deleted CVM's resource");
    const patches = patchCount(emu);
    await second.stack.destroy();
    assert.equal(patchCount(emu), patches);
  });

  it("a state that does not record the workspace cannot prove a 404", async () => {
    const { cvmId, stack } = await created("absence-old-state");
    const { workspaceId: _w, ...older } = stack.state?.outputs ?? {};
    assert.ok(stack.state);
    stack.state = { ...stack.state, outputs: older };
    emu.deleteCvm(cvmId);
    await assert.rejects(stack.refresh(), /does not record the CVM's workspace/);
  });
});
