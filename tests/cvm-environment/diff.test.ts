import assert from "node:assert/strict";
import { diffCvmEnvironment } from "../../provider/cvm-environment/diff";
import { UNKNOWN } from "../../provider/cvm-environment/unknown";

describe("CvmEnvironment diff", () => {
  const olds = { cvmId: "app_aa", canonicalCvmId: "cvm_1", envRevisions: { A: 1 }, env: { A: "1" } };

  it("leaves changes undefined so the engine draws the detailed input diff", () => {
    const result = diffCvmEnvironment(olds, {
      cvmId: "app_aa",
      envRevisions: { A: 1, B: 1 },
      env: { A: "1", B: "2" },
    });
    assert.deepEqual(result, {});
    assert.equal(result.changes, undefined);
  });

  it("replaces (delete first) when the CVM changes or is not known yet", () => {
    for (const cvmId of ["app_bb", UNKNOWN]) {
      assert.deepEqual(diffCvmEnvironment(olds, { cvmId }), {
        replaces: ["cvmId"],
        deleteBeforeReplace: true,
      });
    }
  });

  it("switching to the canonical id of the same CVM is not a replacement", () => {
    assert.deepEqual(diffCvmEnvironment(olds, { cvmId: "cvm_1" }), {});
  });

  it("another identifier of the same CVM that state knows (its app id in any form) is not a replacement", () => {
    const app = "50b0e827cc6c53f4010b57e588a18c5ef9388cc1";
    const byName = { cvmId: "my-app", canonicalCvmId: "cvm_1", appId: app, envKeys: ["A"] };
    for (const cvmId of [`app_${app}`, app, `app_${app.toUpperCase()}`, " my-app ", "cvm_1"]) {
      assert.deepEqual(diffCvmEnvironment(byName, { cvmId }), {}, cvmId);
    }
    for (const cvmId of ["other-app", `app_${"1".repeat(40)}`, "..", UNKNOWN]) {
      assert.deepEqual(diffCvmEnvironment(byName, { cvmId }).replaces, ["cvmId"], cvmId);
    }
  });
});
