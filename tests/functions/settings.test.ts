import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AuthError } from "../../provider/api";
import { kmsPublicKeyOf, signEnvPublicKey, x25519PublicKey } from "../../provider/crypto";
import {
  EnvPublicKeySignatureError,
  getAppEnvEncryptPubKey,
  getKmsList,
  getKmsListOutput,
} from "../../sdk/functions";
import { type Handler, json, startServer, type TestServer } from "../support/recording-server";
import { outputValue, useMocks } from "./helpers/output";
import { useSettings } from "./helpers/settings";

const CONFIG_KEY = "phak_from_stack_config_0123456789";
const ENV_KEY = "phak_from_environment_0123456789";
const ARG_KEY = "phak_from_argument_0123456789";

const KMS_SECRET = new Uint8Array(32).fill(1);
const OTHER_SECRET = new Uint8Array(32).fill(2);
const APP_ID = "11".repeat(20);
const ENV_PUBLIC_KEY = Buffer.from(x25519PublicKey(new Uint8Array(32).fill(7))).toString("hex");

const KMS_ITEM = {
  id: "kms_abc",
  slug: "kms-phala-prod7",
  url: "https://kms.example.invalid",
  version: "v0.5.7",
  chain_id: null,
  kms_contract_address: null,
  gateway_app_id: null,
};

class Dependency extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Dependency", name, {});
  }
}

const kmsPage: Handler = (_request, res) =>
  json(res, 200, { items: [KMS_ITEM], total: 1, page: 1, page_size: 100, pages: 1 });

describe("data-source functions: settings and secrets (local stub server)", () => {
  let primary: TestServer;
  let secondary: TestServer;
  let restore: () => void = () => undefined;

  before(async () => {
    primary = await startServer();
    secondary = await startServer();
    await useMocks(false);
  });
  after(async () => {
    await primary.close();
    await secondary.close();
  });
  beforeEach(() => {
    primary.requests.length = 0;
    secondary.requests.length = 0;
    primary.handle(kmsPage);
    secondary.handle(kmsPage);
  });
  afterEach(() => restore());

  it("uses phala:apiKey (secret) and phala:apiUrl from stack config", async () => {
    restore = useSettings({
      config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl },
      env: { PHALA_CLOUD_API_KEY: ENV_KEY, PHALA_CLOUD_API_PREFIX: secondary.apiUrl },
    });
    const result = await getKmsList();
    assert.equal(result.items.length, 1);
    assert.equal(primary.requests.length, 1);
    assert.equal(secondary.requests.length, 0);
    assert.equal(primary.requests[0]?.headers["x-api-key"], CONFIG_KEY);
    assert.equal(primary.requests[0]?.headers["x-phala-version"], "2026-01-21");
  });

  it("falls back to PHALA_CLOUD_API_KEY and PHALA_CLOUD_API_PREFIX", async () => {
    restore = useSettings({
      env: { PHALA_CLOUD_API_KEY: ENV_KEY, PHALA_CLOUD_API_PREFIX: `${secondary.apiUrl}/` },
    });
    await getKmsList({ onchain: false });
    assert.equal(secondary.requests.length, 1);
    assert.equal(secondary.requests[0]?.headers["x-api-key"], ENV_KEY);
    assert.match(secondary.requests[0]?.url ?? "", /^\/api\/v1\/kms\?.*is_onchain=false/);
  });

  it("per-call apiKey and apiUrl override config and environment", async () => {
    restore = useSettings({
      config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl },
      env: { PHALA_CLOUD_API_KEY: ENV_KEY },
    });
    await getKmsList({ apiKey: ARG_KEY, apiUrl: secondary.apiUrl });
    assert.equal(primary.requests.length, 0);
    assert.equal(secondary.requests[0]?.headers["x-api-key"], ARG_KEY);
  });

  it("an API error that echoes the key does not carry it", async () => {
    restore = useSettings({ config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl } });
    primary.handle((_request, res) => json(res, 401, { detail: `Invalid API key ${CONFIG_KEY}` }));
    await assert.rejects(getKmsList(), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.ok(!error.message.includes(CONFIG_KEY), error.message);
      assert.ok(!JSON.stringify(error).includes(CONFIG_KEY));
      assert.ok(!(error.stack ?? "").includes(CONFIG_KEY));
      return true;
    });
  });

  it("Output form: a secret apiKey does not make the result secret; a secret filter does", async () => {
    restore = useSettings({ config: { apiUrl: primary.apiUrl } });
    const plain = getKmsListOutput({ apiKey: pulumi.secret(ARG_KEY) });
    assert.equal((await outputValue(plain)).items[0]?.id, "kms_abc");
    assert.equal(await pulumi.isSecret(plain), false);
    assert.ok(!JSON.stringify(await outputValue(plain)).includes(ARG_KEY));
    const secretFilter = getKmsListOutput({ apiKey: ARG_KEY, onchain: pulumi.secret(false) });
    await outputValue(secretFilter);
    assert.equal(await pulumi.isSecret(secretFilter), true);
  });

  it("getKmsList follows every page", async () => {
    restore = useSettings({ config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl } });
    primary.handle((request, res) => {
      const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
      const items = page <= 3 ? [{ ...KMS_ITEM, id: `kms_${page}`, slug: `kms-page-${page}` }] : [];
      json(res, 200, { items, total: 3, page, page_size: 1, pages: 3 });
    });
    const result = await getKmsList();
    assert.deepEqual(
      result.items.map((k) => k.id),
      ["kms_1", "kms_2", "kms_3"],
    );
    assert.equal(primary.requests.length, 3);
  });

  it("Output form waits for dependsOn resources", async () => {
    restore = useSettings({ config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl } });
    const resource = new Dependency("dependency");
    const result = getKmsListOutput({}, { dependsOn: [resource], timeoutMs: 5_000 });
    assert.equal((await outputValue(result)).items.length, 1);
    assert.equal(await outputValue(resource.id), "dependency-id");
  });

  describe("getAppEnvEncryptPubKey signature outcomes", () => {
    const signature = signEnvPublicKey({
      appId: APP_ID,
      publicKey: ENV_PUBLIC_KEY,
      kmsSecretKey: KMS_SECRET,
    });
    const kmsKey = kmsPublicKeyOf(KMS_SECRET);

    function serve(signatureHex: string): void {
      primary.handle((request, res) =>
        request.url.startsWith("/api/v1/kms/kms-phala-prod7/pubkey/")
          ? json(res, 200, { public_key: ENV_PUBLIC_KEY, signature: signatureHex })
          : request.url === "/api/v1/kms/kms-phala-prod7"
            ? json(res, 200, KMS_ITEM)
            : json(res, 404, { detail: "Not found" }),
      );
    }

    beforeEach(() => {
      restore = useSettings({ config: { apiKey: CONFIG_KEY, apiUrl: primary.apiUrl } });
    });

    it("verified against the kmsPublicKey argument (uncompressed form accepted)", async () => {
      serve(signature);
      const uncompressed = `0x${Buffer.from(
        (await import("@noble/curves/secp256k1.js")).secp256k1.getPublicKey(KMS_SECRET, false),
      ).toString("hex")}`;
      const result = await getAppEnvEncryptPubKey({
        kms: "kms-phala-prod7",
        appId: `0x${APP_ID.toUpperCase()}`,
        kmsPublicKey: uncompressed,
      });
      assert.deepEqual(result, {
        kms: "kms-phala-prod7",
        appId: APP_ID,
        publicKey: ENV_PUBLIC_KEY,
        signature,
        signatureVerified: true,
        verifiedAgainst: kmsKey,
        kmsPublicKeySource: "argument",
        signerPublicKey: kmsKey,
      });
      assert.ok(primary.requests.some((r) => r.url === `/api/v1/kms/kms-phala-prod7/pubkey/${APP_ID}`));
    });

    it("no KMS key known: unverified, with the recovered signer", async () => {
      serve(signature);
      const result = await getAppEnvEncryptPubKey({ kms: "kms-phala-prod7", appId: `app_${APP_ID}` });
      assert.equal(result.signatureVerified, false);
      assert.equal(result.verifiedAgainst, null);
      assert.equal(result.kmsPublicKeySource, null);
      assert.equal(result.signerPublicKey, kmsKey);
    });

    it("signed by another key than kmsPublicKey: fails, naming both public keys", async () => {
      serve(signEnvPublicKey({ appId: APP_ID, publicKey: ENV_PUBLIC_KEY, kmsSecretKey: OTHER_SECRET }));
      await assert.rejects(
        getAppEnvEncryptPubKey({ kms: "kms-phala-prod7", appId: APP_ID, kmsPublicKey: kmsKey }),
        (error: unknown) => {
          assert.ok(error instanceof EnvPublicKeySignatureError);
          assert.equal(error.expectedSigner, kmsKey);
          assert.equal(error.actualSigner, kmsPublicKeyOf(OTHER_SECRET));
          assert.ok(!error.message.includes(CONFIG_KEY));
          return true;
        },
      );
    });

    it("a malformed signature fails", async () => {
      serve("ab".repeat(10));
      await assert.rejects(
        getAppEnvEncryptPubKey({ kms: "kms-phala-prod7", appId: APP_ID }),
        EnvPublicKeySignatureError,
      );
    });
  });
});
