import assert from "node:assert/strict";
import { OwnerActionRequiredError } from "../../provider/chain";
import { driftedInputs } from "../../provider/cvm-environment/drift";
import { redactError } from "../../provider/redact";

describe("CvmEnvironment refresh drift and error redaction", () => {
  const inputs = { cvmId: "c", env: { A: "1", B: "2" }, envRevisions: { A: 1, B: 3 } };

  it("no drift when the CVM allows the same keys in any order", () => {
    assert.equal(driftedInputs(inputs, ["B", "A"]), undefined);
  });

  it("keys removed or added outside Pulumi become drifted inputs; values are kept only for keys that remain", () => {
    assert.deepEqual(driftedInputs(inputs, ["C", "B"]), {
      cvmId: "c",
      env: { B: "2" },
      envRevisions: { B: 3, C: 0 },
    });
  });

  it("removes secrets (with and without 0x) from message and stack, keeping the error class", () => {
    const key = `0x${"ab".repeat(32)}`;
    const error = new OwnerActionRequiredError({
      composeHash: `0x${"11".repeat(32)}`,
      contract: `0x${"22".repeat(20)}`,
      chainId: 1,
      actions: [{ functionName: "addComposeHash", argument: `0x${"11".repeat(32)}`, calldata: "0xdfc77223" }],
      owner: `0x${"33".repeat(20)}`,
    });
    error.message += ` ${key} ${key.slice(2)} https://rpc.example/secret-token-123`;
    const redacted = redactError(error, [key, "https://rpc.example/secret-token-123", "short"]);
    assert.ok(redacted instanceof OwnerActionRequiredError);
    assert.equal(redacted.message.includes("ab".repeat(32)), false);
    assert.equal(redacted.message.includes("secret-token"), false);
    assert.equal(String(redacted.stack).includes("ab".repeat(32)), false);
  });
});
