import assert from "node:assert/strict";
import { checkCvmEnvironment } from "../../provider/cvm-environment/check";
import { UNKNOWN } from "../../provider/cvm-environment/unknown";

const SECRET = "s3cr3t-value-do-not-leak";
const CVM = "app_50b0e827cc6c53f4010b57e588a18c5ef9388cc1";

const ok = (olds: unknown, news: unknown) => {
  const result = checkCvmEnvironment(olds, news);
  assert.deepEqual(result.failures, undefined, JSON.stringify(result.failures));
  return result.inputs as Record<string, unknown>;
};

describe("CvmEnvironment check", () => {
  it("derives a map keyed by env key (no key list) and starts every key at revision 1", () => {
    const inputs = ok({}, { cvmId: CVM, env: { B: "2", A: "1" }, __provider: "text" });
    assert.deepEqual(inputs.envRevisions, { A: 1, B: 1 });
    assert.deepEqual(Object.keys(inputs.envRevisions as object), ["A", "B"], "sorted in state");
    assert.equal(Object.hasOwn(inputs, "envKeys"), false, "no list for the engine to diff by position");
    assert.equal(Object.hasOwn(inputs, "__provider"), false);
  });

  it("bumps only the keys whose value changed; reordering and same values change nothing", () => {
    const first = ok({}, { cvmId: CVM, env: { A: "1", B: "2", C: "3" } });
    const same = ok(first, { cvmId: CVM, env: { C: "3", B: "2", A: "1" } });
    assert.deepEqual(same, first);
    const changed = ok(same, { cvmId: CVM, env: { A: "1", B: "changed", D: "4" } });
    assert.deepEqual(changed.envRevisions, { A: 1, B: 2, D: 1 });
    const again = ok(changed, { cvmId: CVM, env: { A: "1", B: "again", D: "4" } });
    assert.deepEqual(again.envRevisions, { A: 1, B: 3, D: 1 });
  });

  it("a key that is removed and added back starts over at 1", () => {
    const first = ok({}, { cvmId: CVM, env: { A: "1", B: "2" } });
    const removed = ok(first, { cvmId: CVM, env: { A: "1" } });
    const readded = ok(removed, { cvmId: CVM, env: { A: "1", B: "2" } });
    assert.deepEqual(readded.envRevisions, { A: 1, B: 1 });
  });

  it("never puts a value (or anything derived from it) outside env", () => {
    const inputs = ok({}, { cvmId: CVM, env: { API_KEY: SECRET } });
    const { env, ...rest } = inputs;
    assert.deepEqual(env, { API_KEY: SECRET });
    assert.equal(JSON.stringify(rest).includes(SECRET), false);
  });

  it("tolerates unknown values during preview", () => {
    const whole = ok({}, { cvmId: UNKNOWN, env: UNKNOWN });
    assert.equal(whole.envRevisions, UNKNOWN);
    const first = ok({}, { cvmId: CVM, env: { A: "1", B: "2" } });
    const partial = ok(first, {
      cvmId: CVM,
      env: { A: "1", B: UNKNOWN },
      privateKey: UNKNOWN,
      rpcUrl: UNKNOWN,
    });
    assert.deepEqual(partial.envRevisions, { A: 1, B: UNKNOWN });
  });

  it("returns failures instead of throwing, naming keys and never values", () => {
    const bad = checkCvmEnvironment({}, { cvmId: CVM, env: { "1BAD": SECRET, GOOD: "x" } });
    assert.ok(bad.failures?.length);
    assert.match(bad.failures?.[0]?.reason ?? "", /1BAD/);
    assert.equal(
      JSON.stringify(bad)
        .replace(/"inputs":\{.*?\}\}/, "")
        .includes(SECRET),
      false,
    );
    const failures = checkCvmEnvironment(
      {},
      { cvmId: "", env: { A: 5 }, privateKey: SECRET, rpcUrl: SECRET },
    ).failures;
    assert.deepEqual(failures?.map((f) => f.property).sort(), ["cvmId", "env.A", "privateKey", "rpcUrl"]);
    assert.equal(JSON.stringify(failures).includes(SECRET), false);
    assert.doesNotThrow(() => checkCvmEnvironment(undefined, null));
  });

  it("env and encryptedEnv are exclusive; one of them is required", () => {
    const both = checkCvmEnvironment({}, { cvmId: CVM, env: {}, encryptedEnv: "aa", envKeys: [] });
    assert.equal(both.failures?.[0]?.property, "encryptedEnv");
    const neither = checkCvmEnvironment({}, { cvmId: CVM });
    assert.equal(neither.failures?.[0]?.property, "env");
    const derived = checkCvmEnvironment({}, { cvmId: CVM, env: {}, envKeys: ["A"] });
    assert.equal(derived.failures?.[0]?.property, "envKeys");
    const noKeys = checkCvmEnvironment({}, { cvmId: CVM, encryptedEnv: "aa" });
    assert.equal(noKeys.failures?.[0]?.property, "envKeys");
  });

  it("pre-encrypted mode validates the declared keys and folds them into the revisions map", () => {
    const inputs = ok(
      { envRevisions: { B: 4 } },
      { cvmId: CVM, encryptedEnv: "0xaabb", envKeys: ["B", "A"] },
    );
    assert.deepEqual(inputs.envRevisions, { A: 1, B: 4 });
    assert.deepEqual(Object.keys(inputs.envRevisions as object), ["A", "B"]);
    assert.equal(Object.hasOwn(inputs, "envKeys"), false);
    const unknown = ok({}, { cvmId: CVM, encryptedEnv: "0xaabb", envKeys: ["A", UNKNOWN] });
    assert.equal(unknown.envRevisions, UNKNOWN);
    const dup = checkCvmEnvironment({}, { cvmId: CVM, encryptedEnv: "aa", envKeys: ["A", "A"] });
    assert.equal(dup.failures?.[0]?.property, "envKeys");
  });

  it("accepts an empty env (clears every key) and drops null inputs", () => {
    const inputs = ok({}, { cvmId: CVM, env: {}, rpcUrl: null });
    assert.deepEqual(inputs.envRevisions, {});
    assert.equal(Object.hasOwn(inputs, "rpcUrl"), false);
  });
});
