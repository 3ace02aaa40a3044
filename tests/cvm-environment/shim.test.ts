import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { userStateProviderText } from "../../scripts/host/user-state-provider-text";
import { loadSerializedProvider } from "./helpers/load-serialized";

const GOLDEN = path.join(__dirname, "fixtures", "shim.serialized.txt");

describe("CvmEnvironment serialized shim", () => {
  let text: string;

  before(async () => {
    // Exactly what a user's state holds: the built class, serialized by pulumi.dynamic.Resource.
    text = await userStateProviderText();
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, text);
  });

  it("matches the checked-in text (a change to __provider must be deliberate)", () => {
    assert.equal(text, readFileSync(GOLDEN, "utf8"));
  });

  it("captures nothing but method bodies that load pulumi-phala/provider", () => {
    const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.equal(requires.length, 7);
    assert.ok(requires.every((specifier) => specifier === "pulumi-phala/provider"));
    assert.ok(text.length < 4096, `${text.length} bytes`);
  });

  it("loads like the host loads it and reaches the implementation", async () => {
    const provider = loadSerializedProvider(text);
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
      assert.equal(typeof provider[method], "function", method);
    }
    await provider.configure?.({ config: { get: () => undefined, require: () => "" } });
    const checked = await provider.check?.({}, { cvmId: "app_1", env: { B: "2", A: "1" } });
    assert.deepEqual(checked?.inputs.envRevisions, { A: 1, B: 1 });
    const diff = await provider.diff?.("cvm_1", { cvmId: "app_1" }, { cvmId: "app_2" });
    assert.deepEqual(diff?.replaces, ["cvmId"]);
  });
});
