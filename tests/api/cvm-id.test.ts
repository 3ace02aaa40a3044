import assert from "node:assert/strict";
import { normalizeCvmId } from "../../provider/api";
import { cvmPathSegment } from "../../provider/api/cvm-id";

const APP = "50b0e827cc6c53f4010b57e588a18c5ef9388cc1";

describe("normalizeCvmId", () => {
  const cases: [string, string][] = [
    ["550e8400-e29b-41d4-a716-446655440000", "550e8400e29b41d4a716446655440000"],
    ["550e8400e29b41d4a716446655440000", "550e8400e29b41d4a716446655440000"],
    ["550E8400-E29B-41D4-A716-446655440000", "550E8400E29B41D4A716446655440000"],
    [APP, `app_${APP}`],
    [APP.toUpperCase(), `app_${APP.toUpperCase()}`],
    [`app_${APP}`, `app_${APP}`],
    [`0x${APP}`, `0x${APP}`],
    ["instance_abc", "instance_abc"],
    ["my-app", "my-app"],
    ["cvm_0123abcd", "cvm_0123abcd"],
    ["12345", "12345"],
    // Not a v4 UUID (version nibble 1): used verbatim, dashes kept.
    ["550e8400-e29b-11d4-a716-446655440000", "550e8400-e29b-11d4-a716-446655440000"],
    // 39 and 41 hex characters are not app ids.
    [APP.slice(1), APP.slice(1)],
    [`${APP}a`, `${APP}a`],
    ["  my-app  ", "my-app"],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(normalizeCvmId(input), expected);
    });
  }

  it("rejects an empty identifier", () => {
    assert.throws(() => normalizeCvmId("  "), TypeError);
  });

  it("escapes the identifier as one path segment", () => {
    assert.equal(cvmPathSegment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    assert.equal(cvmPathSegment(APP), `app_${APP}`);
  });
});
