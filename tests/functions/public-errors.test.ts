import assert from "node:assert/strict";
import * as sdk from "../../sdk";

describe("the package entry's error classes", () => {
  const documented: readonly (abstract new (...args: never[]) => Error)[] = [
    sdk.PhalaApiError,
    sdk.AuthError,
    sdk.NotFoundError,
    sdk.NetworkError,
    sdk.MissingApiKeyError,
    sdk.EnvPublicKeySignatureError,
  ];

  for (const ctor of documented) {
    it(`exports ${ctor.name}, a PhalaError`, () => {
      assert.equal(typeof ctor, "function");
      assert.ok(ctor.prototype instanceof sdk.PhalaError);
    });
  }

  it("names an instance after its class in the stack header, and not as an enumerable field", () => {
    const error = new sdk.NotFoundError({ message: "CVM x not found", status: 404 });
    assert.ok(error instanceof sdk.PhalaApiError && error instanceof sdk.PhalaError);
    assert.equal(error.name, "NotFoundError");
    assert.ok(error.stack?.startsWith("NotFoundError: CVM x not found"));
    assert.equal(Object.keys(error).includes("name"), false);
    const missing = new sdk.MissingApiKeyError();
    assert.equal(missing.name, "MissingApiKeyError");
  });

  it("keeps InvalidArgumentError a TypeError, named the same way", () => {
    const error = new sdk.InvalidArgumentError("getCvm", [{ argument: "cvmId", problem: "is empty" }]);
    assert.ok(error instanceof TypeError);
    assert.equal(error.name, "InvalidArgumentError");
    assert.ok(error.stack?.startsWith('InvalidArgumentError: getCvm: argument "cvmId" is empty'));
  });
});
