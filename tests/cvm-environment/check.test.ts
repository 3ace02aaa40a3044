import assert from "node:assert/strict";
import { checkCvmEnvironment } from "../../provider/cvm-environment/check";
import { envKeysOf } from "../../provider/cvm-environment/env-revisions";
import { UNKNOWN } from "../../provider/cvm-environment/unknown";

const SECRET = "s3cr3t-value-do-not-leak";
const CVM = "app_50b0e827cc6c53f4010b57e588a18c5ef9388cc1";

const ok = (olds: unknown, news: unknown) => {
  const result = checkCvmEnvironment(olds, news);
  assert.deepEqual(result.failures, undefined, JSON.stringify(result.failures));
  return result.inputs as Record<string, unknown>;
};

/**
 * The property path each failure names. The engine prints a failure's `property` with its whole
 * input value, so every failure leaves it empty and names the path at the start of its reason.
 */
const failedPaths = (result: ReturnType<typeof checkCvmEnvironment>): string[] =>
  (result.failures ?? []).map((f) => {
    assert.equal(f.property, "", `failure ${JSON.stringify(f)} names no property the engine would print`);
    return f.reason.slice(0, f.reason.indexOf(": "));
  });

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
    const result = checkCvmEnvironment({}, { cvmId: "", env: { A: 5 }, privateKey: SECRET, rpcUrl: SECRET });
    assert.deepEqual(failedPaths(result).sort(), ["cvmId", "env.A", "privateKey", "rpcUrl"]);
    assert.equal(JSON.stringify(result.failures).includes(SECRET), false);
    assert.doesNotThrow(() => checkCvmEnvironment(undefined, null));
  });

  it("env and encryptedEnv are exclusive; one of them is required", () => {
    const both = checkCvmEnvironment({}, { cvmId: CVM, env: {}, encryptedEnv: "aa", envKeys: [] });
    assert.deepEqual(failedPaths(both), ["encryptedEnv"]);
    const neither = checkCvmEnvironment({}, { cvmId: CVM });
    assert.deepEqual(failedPaths(neither), ["env"]);
    const derived = checkCvmEnvironment({}, { cvmId: CVM, env: {}, envKeys: ["A"] });
    assert.deepEqual(failedPaths(derived), ["envKeys"]);
    const noKeys = checkCvmEnvironment({}, { cvmId: CVM, encryptedEnv: "aa" });
    assert.deepEqual(failedPaths(noKeys), ["envKeys"]);
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
    assert.deepEqual(failedPaths(dup), ["envKeys"]);
  });

  it("accepts an empty env (clears every key) and drops null inputs", () => {
    const inputs = ok({}, { cvmId: CVM, env: {}, rpcUrl: null });
    assert.deepEqual(inputs.envRevisions, {});
    assert.equal(Object.hasOwn(inputs, "rpcUrl"), false);
  });

  it("a failed check hands back no secret input: the engine keeps what check returns", () => {
    const secretInputs = { env: { "1BAD": SECRET }, privateKey: ` ${SECRET}`, rpcUrl: `wss://x/${SECRET}` };
    for (const news of [
      { cvmId: CVM, ...secretInputs },
      { cvmId: CVM, ...secretInputs, encryptedEnv: SECRET },
      { cvmId: "", ...secretInputs, tokenTypo: SECRET },
    ]) {
      const result = checkCvmEnvironment({}, news);
      assert.ok(result.failures?.length);
      assert.equal(JSON.stringify(result).includes(SECRET), false, JSON.stringify(result.inputs));
    }
  });

  describe("privateKey", () => {
    const KEY = "4c0883a69102937d6231471b5decb2a4f4b6cde6f56f5ab2a0d9d0f6a0c4e2a1";
    const ORDER = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    it("drops surrounding whitespace (a key read from a file ends with a newline)", () => {
      assert.equal(ok({}, { cvmId: CVM, env: {}, privateKey: `0x${KEY}\n` }).privateKey, `0x${KEY}`);
      assert.equal(ok({}, { cvmId: CVM, env: {}, privateKey: `  ${KEY}\r\n` }).privateKey, KEY);
    });

    it("accepts 1 and n-1; rejects 0, n and above, in every base without echoing the key", () => {
      const one = `${"0".repeat(63)}1`;
      const nMinus1 = `${ORDER.slice(0, -1)}0`;
      ok({}, { cvmId: CVM, env: {}, privateKey: one });
      ok({}, { cvmId: CVM, env: {}, privateKey: nMinus1 });
      for (const bad of ["0".repeat(64), ORDER, "f".repeat(64), `0x${"f".repeat(63)}e`]) {
        const result = checkCvmEnvironment({}, { cvmId: CVM, env: {}, privateKey: bad });
        assert.deepEqual(failedPaths(result), ["privateKey"]);
        assert.match(result.failures?.[0]?.reason ?? "", /curve order/);
        const text = JSON.stringify(result);
        const hex = bad.replace(/^0x/, "");
        const value = BigInt(`0x${hex}`);
        for (const form of [
          hex,
          value.toString(),
          value.toString(16),
          Buffer.from(hex, "hex").toString("base64"),
        ]) {
          if (form.length >= 4) assert.equal(text.includes(form), false, `no ${form}`);
        }
      }
    });
  });

  describe("cvmId", () => {
    for (const [label, cvmId] of [
      [".", "."],
      ["..", ".."],
      ["a control character", "cvm_a\u0000b"],
      ["a line break inside", "cvm_a\nb"],
      ["an absurd length", `cvm_${"a".repeat(500)}`],
      ["a non-string", 42],
    ] as const) {
      it(`rejects ${label}`, () => {
        const result = checkCvmEnvironment({}, { cvmId, env: {} });
        assert.deepEqual(failedPaths(result), ["cvmId"]);
      });
    }
  });

  it("reports an input it does not know, by name, instead of ignoring it", () => {
    const result = checkCvmEnvironment({}, { cvmId: CVM, env: {}, privatekey: SECRET, waitForReadyy: true });
    assert.deepEqual(failedPaths(result).sort(), ["privatekey", "waitForReadyy"]);
    assert.equal(JSON.stringify(result).includes(SECRET), false);
    // The engine's own bookkeeping (`__provider`, `__`-prefixed names) is not an input.
    ok({}, { cvmId: CVM, env: {}, __provider: "text", __other: 1 });
  });

  it("__proto__ (valid for the guest) is kept under its escaped property key, in both modes", () => {
    const escaped = "__proto__\u200b";
    const preEncrypted = checkCvmEnvironment(
      {},
      { cvmId: CVM, encryptedEnv: "00ff", envKeys: ["A", "__proto__"] },
    );
    assert.deepEqual(preEncrypted.failures ?? [], []);
    assert.deepEqual(preEncrypted.inputs?.envRevisions, { A: 1, [escaped]: 1 });

    // Through the SDK the key arrives escaped; a direct caller may still hand over the name itself.
    const env = JSON.parse('{"__proto__": "v", "A": "1"}') as Record<string, string>;
    for (const given of [env, { [escaped]: "v", A: "1" }]) {
      const plain = checkCvmEnvironment({}, { cvmId: CVM, env: given });
      assert.deepEqual(plain.failures ?? [], []);
      assert.deepEqual(plain.inputs?.envRevisions, { A: 1, [escaped]: 1 });
      assert.deepEqual(plain.inputs?.env, { A: "1", [escaped]: "v" });
    }
    assert.deepEqual(envKeysOf({ A: 1, [escaped]: 1 }), ["A", "__proto__"]);
  });
});
