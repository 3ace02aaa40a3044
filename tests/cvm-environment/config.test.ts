import assert from "node:assert/strict";
import {
  InvalidPrivateKeyError,
  MissingApiKeyError,
  namespacedGetter,
  requireApiKey,
  resolvePhalaSettings,
} from "../../provider/config";
import { signerFor } from "../../provider/cvm-environment/session";

describe("provider/config: settings resolution", () => {
  it("prefers stack config over environment variables", () => {
    const config: Record<string, string> = { "phala:apiKey": "from-config", "phala:rpcUrl": "http://cfg" };
    const settings = resolvePhalaSettings(
      namespacedGetter((k) => config[k]),
      {
        PHALA_CLOUD_API_KEY: "from-env",
        ETH_RPC_URL: "http://env",
        PRIVATE_KEY: "0xabc",
      },
    );
    assert.deepEqual(settings, { apiKey: "from-config", rpcUrl: "http://cfg", privateKey: "0xabc" });
  });

  it("falls back to the ecosystem's environment variables and trims the API prefix", () => {
    const settings = resolvePhalaSettings(() => undefined, {
      PHALA_CLOUD_API_KEY: "k",
      PHALA_CLOUD_API_PREFIX: "http://localhost:1/api/v1/",
    });
    assert.deepEqual(settings, { apiKey: "k", apiUrl: "http://localhost:1/api/v1" });
  });

  it("treats empty values as unset and omits absent settings", () => {
    const settings = resolvePhalaSettings(() => "  ", { PHALA_CLOUD_API_KEY: "" });
    assert.deepEqual(settings, {});
    assert.equal(Object.hasOwn(settings, "apiKey"), false);
  });

  it("a missing API key is a clear error that names both places to set it", () => {
    assert.throws(
      () => requireApiKey({}),
      (e: unknown) => {
        assert.ok(e instanceof MissingApiKeyError);
        assert.match(e.message, /phala:apiKey/);
        assert.match(e.message, /PHALA_CLOUD_API_KEY/);
        return true;
      },
    );
    assert.equal(requireApiKey({ apiKey: "x" }), "x");
  });

  describe("the signer key (phala:privateKey / PRIVATE_KEY / the privateKey input)", () => {
    const KEY = "4c0883a69102937d6231471b5decb2a4f4b6cde6f56f5ab2a0d9d0f6a0c4e2a1";
    const ORDER = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    it("a key read from a file with its newline works, in viem's 0x form", () => {
      assert.equal(signerFor({ privateKey: `${KEY}\n` }, {}).privateKey, `0x${KEY}`);
      assert.equal(signerFor({}, { privateKey: ` 0x${KEY} ` }).privateKey, `0x${KEY}`);
    });

    it("a key outside 1 ≤ k < n fails before any request, naming the setting and never the key", () => {
      for (const bad of [ORDER, "0".repeat(64), `0x${KEY.slice(2)}`]) {
        assert.throws(
          () => signerFor({ privateKey: bad }, {}),
          (error: unknown) => {
            assert.ok(error instanceof InvalidPrivateKeyError);
            assert.match(error.message, /^phala:privateKey \(or PRIVATE_KEY\) /);
            assert.ok(!/[0-9a-f]{16}|\d{16}/i.test(error.message), error.message);
            return true;
          },
        );
      }
    });
  });
});
