import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PhalaClient } from "../../provider/api";
import { json, startServer, type TestServer } from "../support/recording-server";
import { clientFor } from "./helpers/client";
import {
  API_KEY,
  APP_ID,
  COMPOSE_HASH,
  cvmDetail20251028,
  cvmDetail20260121,
  ENV_PUBKEY,
  kmsInfoJson,
} from "./helpers/fixtures";

const packageVersion = (
  JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string }
).version;

const kmsInfoTyped = {
  id: "kms_base_prod9",
  slug: "kms-base-prod9",
  url: "https://kms.example.test:8000",
  version: "v0.5.7",
  chainId: 8453,
  kmsContractAddress: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
  gatewayAppId: null,
  k256Pubkey: null,
};

const K256 = "0x031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f";

describe("PhalaClient endpoints", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it("sends the pinned version, the API key, an honest User-Agent, and no body on GET", async () => {
    server.handle((_req, res) => json(res, 200, cvmDetail20260121));
    await clientFor(server).getCvm("my-app");
    const req = server.requests[0];
    assert.ok(req);
    assert.equal(req.method, "GET");
    assert.equal(req.url, "/api/v1/cvms/my-app");
    assert.equal(req.headers["x-phala-version"], "2026-01-21");
    assert.equal(req.headers["x-api-key"], API_KEY);
    assert.equal(req.headers["user-agent"], `pulumi-phala/${packageVersion}`);
    assert.equal(req.headers.accept, "application/json");
    assert.equal(req.body, "");
  });

  it("trims trailing slashes of the base URL and accepts a custom User-Agent", async () => {
    server.handle((_req, res) => json(res, 200, cvmDetail20260121));
    await new PhalaClient({
      apiKey: API_KEY,
      baseUrl: `${server.origin}/api/v1//`,
      userAgent: "custom/1",
    }).getCvm("x1234");
    assert.equal(server.requests[0]?.url, "/api/v1/cvms/x1234");
    assert.equal(server.requests[0]?.headers["user-agent"], "custom/1");
  });

  it("GET /cvms/{id}, version 2026-01-21: pubkey under kms_info, camelCase result, no undefined values", async () => {
    server.handle((_req, res) => json(res, 200, cvmDetail20260121));
    const cvm = await clientFor(server).getCvm(APP_ID);
    assert.equal(server.requests[0]?.url, `/api/v1/cvms/app_${APP_ID}`);
    assert.deepEqual(cvm, {
      id: "cvm_0123abcd",
      name: "my-app",
      appId: APP_ID,
      vmUuid: "550e8400-e29b-41d4-a716-446655440000",
      instanceId: "instance_abc",
      status: "running",
      inProgress: false,
      kmsType: "base",
      kmsInfo: {
        chainId: 8453,
        dstackKmsAddress: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
        dstackAppAddress: `0x${APP_ID}`,
        deployerAddress: "0x1111111111111111111111111111111111111111",
        rpcEndpoint: "https://base.example.test",
        encryptedEnvPubkey: ENV_PUBKEY,
      },
      envPublicKey: ENV_PUBKEY,
      composeHash: COMPOSE_HASH,
      allowedEnvs: ["A", "B"],
    });
    assert.ok(!JSON.stringify(cvm).includes("some_future_field"));
  });

  it("GET /cvms/{id}, version 2025-10-28: integer id, top-level pubkey, full KmsInfo", async () => {
    server.handle((_req, res) => json(res, 200, cvmDetail20251028));
    const cvm = await clientFor(server).getCvm("550e8400-e29b-41d4-a716-446655440000");
    assert.equal(server.requests[0]?.url, "/api/v1/cvms/550e8400e29b41d4a716446655440000");
    assert.equal(cvm.id, "4242");
    assert.equal(cvm.envPublicKey, ENV_PUBKEY);
    assert.equal(cvm.inProgress, true);
    assert.equal(cvm.instanceId, undefined);
    assert.ok(!("instanceId" in cvm), "absent fields are left out, not undefined");
    assert.deepEqual(cvm.kmsInfo, {
      id: "kms_phala",
      slug: "phala",
      url: "https://kms.example.test:8000",
      version: "v0.5.7",
    });
  });

  it("GET /cvms/{id}: the nested pubkey wins over the top-level one; progress and compose_file as JSON text", async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        ...cvmDetail20260121,
        encrypted_env_pubkey: "00".repeat(32),
        in_progress: true,
        progress: { target: "running", started_at: "2026-03-01T12:00:00Z", correlation_id: "c-1" },
        compose_file: JSON.stringify({ allowed_envs: ["X"] }),
      }),
    );
    const cvm = await clientFor(server).getCvm("my-app");
    assert.equal(cvm.envPublicKey, ENV_PUBKEY);
    assert.deepEqual(cvm.progress, {
      target: "running",
      startedAt: "2026-03-01T12:00:00Z",
      correlationId: "c-1",
    });
    assert.deepEqual(cvm.allowedEnvs, ["X"]);
  });

  it("GET /cvms/{id}: URL-escapes the identifier", async () => {
    server.handle((_req, res) => json(res, 200, cvmDetail20260121));
    await clientFor(server).getCvm("we/ird name?");
    assert.equal(server.requests[0]?.url, "/api/v1/cvms/we%2Fird%20name%3F");
  });

  it("GET /cvms/{id}/compose_file: the document is returned untouched, key order included", async () => {
    const text =
      '{"runner":"docker-compose","name":"x","docker_compose_file":"services: {}\\n","allowed_envs":["B","A"],"zeta":{"b":1,"a":2},"features":["kms"]}';
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    const compose = await clientFor(server).getComposeFile("my-app");
    assert.equal(server.requests[0]?.url, "/api/v1/cvms/my-app/compose_file");
    assert.equal(JSON.stringify(compose), text);
    assert.deepEqual(compose.allowed_envs, ["B", "A"]);
  });

  it("GET /cvms/{id}/operations with limit", async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        items: [
          {
            correlation_id: "c-2",
            operation_type: "update_envs",
            target_state: "running",
            triggered_by: 1,
            started_at: "2026-03-01T12:00:00Z",
            completed_at: null,
            status: "in_progress",
            sub_operations: [],
            events: [],
            instance_name: "i",
          },
          {
            correlation_id: "c-1",
            operation_type: "update_envs",
            started_at: "2026-02-01T12:00:00Z",
            completed_at: "2026-02-01T12:01:00Z",
            status: "failed",
            error_message: "boot failed",
            compose_hash: COMPOSE_HASH,
          },
        ],
        next_cursor: null,
        total: 2,
      }),
    );
    const ops = await clientFor(server).listOperations("my-app", { limit: 5 });
    assert.equal(server.requests[0]?.url, "/api/v1/cvms/my-app/operations?limit=5");
    assert.deepEqual(ops, [
      {
        correlationId: "c-2",
        operationType: "update_envs",
        status: "in_progress",
        targetState: "running",
        startedAt: "2026-03-01T12:00:00Z",
      },
      {
        correlationId: "c-1",
        operationType: "update_envs",
        status: "failed",
        errorMessage: "boot failed",
        startedAt: "2026-02-01T12:00:00Z",
        completedAt: "2026-02-01T12:01:00Z",
        composeHash: COMPOSE_HASH,
      },
    ]);
  });

  it("GET /kms: walks every page and passes the is_onchain filter", async () => {
    const all = Array.from({ length: 230 }, (_, i) => ({ ...kmsInfoJson, id: `kms_${i}` }));
    server.handle((req, res) => {
      const url = new URL(req.url, "http://x");
      const page = Number(url.searchParams.get("page"));
      const size = Number(url.searchParams.get("page_size"));
      json(res, 200, {
        items: all.slice((page - 1) * size, page * size),
        total: all.length,
        page,
        page_size: size,
        pages: Math.ceil(all.length / size),
      });
    });
    const list = await clientFor(server).listKms({ onchain: true });
    assert.equal(list.length, 230);
    assert.deepEqual(
      list.map((k) => k.id),
      all.map((k) => k.id),
    );
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [1, 2, 3].map((p) => `/api/v1/kms?page=${p}&page_size=100&is_onchain=true`),
    );
  });

  it("GET /kms: no filter when onchain is not given; false is sent as false", async () => {
    server.handle((_req, res) =>
      json(res, 200, { items: [kmsInfoJson], total: 1, page: 1, page_size: 100, pages: 1 }),
    );
    const client = clientFor(server);
    assert.deepEqual(await client.listKms(), [kmsInfoTyped]);
    await client.listKms({ onchain: false });
    assert.equal(server.requests[0]?.url, "/api/v1/kms?page=1&page_size=100");
    assert.equal(server.requests[1]?.url, "/api/v1/kms?page=1&page_size=100&is_onchain=false");
  });

  it("GET /kms/{id}", async () => {
    server.handle((_req, res) =>
      json(res, 200, { ...kmsInfoJson, k256_pubkey: K256, extra_field: "ignored" }),
    );
    assert.deepEqual(await clientFor(server).getKms("kms-base-prod9"), { ...kmsInfoTyped, k256Pubkey: K256 });
    assert.equal(server.requests[0]?.url, "/api/v1/kms/kms-base-prod9");
  });

  it("GET /kms/{kms}/pubkey/{app_id}", async () => {
    server.handle((_req, res) => json(res, 200, { public_key: ENV_PUBKEY, signature: "ab".repeat(65) }));
    const key = await clientFor(server).getAppEnvEncryptPubkey("base", `0x${APP_ID}`);
    assert.equal(server.requests[0]?.url, `/api/v1/kms/base/pubkey/0x${APP_ID}`);
    assert.deepEqual(key, { publicKey: ENV_PUBKEY, signature: "ab".repeat(65) });
  });

  it("GET /kms/on-chain/{chain}", async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        chain_name: "base",
        chain_id: 8453,
        contracts: [
          {
            contract_address: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
            chain_id: 8453,
            chain_name: "base",
            gateway_contract_address: "0x0",
            k256_pubkey: K256,
            devices: [{ device_id: "d1", node_name: null, on_chain_allowed: true }],
            os_images: [{ name: "dstack", version: "0.5.3", os_image_hash: null, on_chain_allowed: null }],
          },
        ],
      }),
    );
    const detail = await clientFor(server).getKmsOnChainDetail("base");
    assert.equal(server.requests[0]?.url, "/api/v1/kms/on-chain/base");
    assert.deepEqual(detail, {
      chainName: "base",
      chainId: 8453,
      contracts: [
        {
          contractAddress: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
          chainId: 8453,
          chainName: "base",
          k256Pubkey: K256,
          devices: [{ deviceId: "d1", nodeName: null, onChainAllowed: true }],
          osImages: [{ name: "dstack", version: "0.5.3", osImageHash: null, onChainAllowed: null }],
        },
      ],
    });
  });

  it("GET /kms/phala/next_app_id?counts=N", async () => {
    server.handle((_req, res) =>
      json(res, 200, {
        app_ids: [
          { app_id: APP_ID, nonce: 3 },
          { app_id: "a".repeat(40), nonce: 4 },
        ],
      }),
    );
    const client = clientFor(server);
    assert.deepEqual(await client.getNextAppIds(2), [
      { appId: APP_ID, nonce: 3 },
      { appId: "a".repeat(40), nonce: 4 },
    ]);
    assert.equal(server.requests[0]?.url, "/api/v1/kms/phala/next_app_id?counts=2");
    await assert.rejects(client.getNextAppIds(0), RangeError);
    await assert.rejects(client.getNextAppIds(21), RangeError);
    assert.equal(server.requests.length, 1);
  });
});

describe("PhalaClient options", () => {
  it("rejects a missing API key and bad URLs without echoing them", () => {
    assert.throws(() => new PhalaClient({ apiKey: "" }), TypeError);
    assert.throws(
      () => new PhalaClient({ apiKey: "phak_a b" }),
      (e: unknown) => e instanceof TypeError && !e.message.includes("phak_a"),
    );
    assert.throws(() => new PhalaClient({ apiKey: API_KEY, baseUrl: "ftp://x" }), TypeError);
    assert.throws(
      () => new PhalaClient({ apiKey: API_KEY, baseUrl: "https://user:hunter22@x.test/api/v1" }),
      (e: unknown) => e instanceof TypeError && !e.message.includes("hunter22"),
    );
    assert.throws(() => new PhalaClient({ apiKey: API_KEY, timeoutMs: 0 }), RangeError);
  });

  it("defaults to the production API", () => {
    assert.equal(new PhalaClient({ apiKey: API_KEY }).baseUrl, "https://cloud-api.phala.com/api/v1");
  });
});
