import assert from "node:assert/strict";
import {
  MissingApiKeyError,
  namespacedGetter,
  requireApiKey,
  resolvePhalaSettings,
} from "../../provider/config";

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
});
