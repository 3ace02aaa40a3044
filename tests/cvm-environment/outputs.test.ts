import assert from "node:assert/strict";
import { buildOutputs, inputsOf } from "../../provider/cvm-environment/outputs";
import { structSafe } from "../../provider/cvm-environment/struct-safe";

describe("CvmEnvironment outputs", () => {
  it("are Struct safe: undefined entries dropped, bigint and bytes refused", () => {
    assert.deepEqual(structSafe({ a: undefined, b: [1, { c: undefined, d: "x" }] }), { b: [1, { d: "x" }] });
    assert.throws(() => structSafe({ n: 1n }), /bigint/);
    assert.throws(() => structSafe({ bytes: new Uint8Array(2) }), /object/);
  });

  it("carry the checked inputs, the sorted envKeys and the computed facts; inputsOf recovers the inputs", () => {
    const inputs = { cvmId: "app_1", env: { B: "2", A: "1" }, envRevisions: { B: 3, A: 1 } };
    const outputs = buildOutputs(inputs, { canonicalCvmId: "cvm_1", chainId: undefined, kmsType: "phala" });
    assert.deepEqual(outputs, { ...inputs, envKeys: ["A", "B"], canonicalCvmId: "cvm_1", kmsType: "phala" });
    assert.deepEqual(inputsOf(outputs), inputs);
  });
});
