import assert from "node:assert/strict";
import { ENV_LIMITS, EnvValidationError, envProblems, validateEnv } from "../../provider/crypto";

const SECRET = "s3cr3t-value-never-shown";

describe("env validation (guest rules)", () => {
  it("accepts an ordinary environment and the limits exactly", () => {
    assert.deepEqual(
      envProblems([
        { key: "API_KEY", value: SECRET },
        { key: "_x1", value: "" },
      ]),
      [],
    );
    const atLimit = [
      { key: "K".repeat(ENV_LIMITS.maxKeyBytes), value: "v".repeat(ENV_LIMITS.maxValueBytes) },
    ];
    assert.deepEqual(envProblems(atLimit), []);
  });

  it("names each offending key and never a value", () => {
    const env = [
      { key: "1BAD", value: SECRET },
      { key: "HAS-DASH", value: SECRET },
      { key: "DUP", value: SECRET },
      { key: "DUP", value: SECRET },
      { key: "BIG", value: "x".repeat(ENV_LIMITS.maxValueBytes + 1) },
    ];
    const error = (() => {
      try {
        validateEnv(env);
      } catch (e) {
        return e as EnvValidationError;
      }
      assert.fail("expected a validation error");
    })();
    assert.ok(error instanceof EnvValidationError);
    assert.deepEqual(
      error.problems.map((p) => p.key),
      ["1BAD", "HAS-DASH", "DUP", "BIG"],
    );
    assert.ok(!error.message.includes(SECRET));
    assert.ok(!error.message.includes("xxxx"));
  });

  it("counts entries, key bytes and total bytes like the guest", () => {
    const many = Array.from({ length: ENV_LIMITS.maxEntries + 1 }, (_, i) => ({ key: `K${i}`, value: "" }));
    assert.match(envProblems(many)[0]?.problem ?? "", /1025 variables exceed the limit of 1024/);
    const longKey = "K".repeat(ENV_LIMITS.maxKeyBytes + 1);
    assert.match(envProblems([{ key: longKey, value: "" }])[0]?.problem ?? "", /256 bytes long/);
    const heavy = Array.from({ length: 9 }, (_, i) => ({ key: `K${i}`, value: "v".repeat(120 * 1024) }));
    assert.match(envProblems(heavy).at(-1)?.problem ?? "", /total \d+ bytes, over 1048576/);
  });

  it("measures non-ASCII values in UTF-8 bytes", () => {
    const value = "é".repeat(ENV_LIMITS.maxValueBytes / 2 + 1);
    assert.match(envProblems([{ key: "K", value }])[0]?.problem ?? "", /131074 bytes/);
  });
});
