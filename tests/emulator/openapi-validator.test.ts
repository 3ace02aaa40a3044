import assert from "node:assert/strict";
import type { RecordedExchange } from "../../emulator/index";
import { type Divergence, OpenApiValidator, openApi } from "../support/openapi";
import { assertExchangesConform } from "../support/openapi-conformance";

const detail = {
  id: "cvm_abc",
  name: "demo-app",
  resource: { vcpu: 2, memory_in_gb: 4 },
  status: "running",
  gateway: { base_domain: null, cname: null },
  kms_info: { chain_id: 31337, dstack_kms_address: "0x01", encrypted_env_pubkey: null },
};

const problems = (list: Divergence[]) => list.map((d) => `${d.operation} — ${d.where}: ${d.problem}`);

describe("OpenAPI validator (tests/support/openapi.ts) against the published document", () => {
  const validator = openApi();

  it("accepts a conforming CVM detail and a conforming PATCH envs request", () => {
    assert.deepEqual(
      validator.check({ method: "GET", path: "/api/v1/cvms/cvm_abc", status: 200, responseBody: detail }),
      [],
    );
    assert.deepEqual(
      validator.check({
        method: "PATCH",
        path: "/api/v1/cvms/cvm_abc/envs",
        requestBody: { encrypted_env: "ab", env_keys: ["A"], compose_hash: null },
        status: 202,
        responseBody: { status: "in_progress" },
      }),
      [],
    );
  });

  it("names the operation and the field of a wrong response body", () => {
    const wrong = { ...detail, kms_info: { ...detail.kms_info, chain_id: "31337" } };
    const found = problems(
      validator.check({ method: "GET", path: "/api/v1/cvms/cvm_abc", status: 200, responseBody: wrong }),
    );
    assert.ok(
      found.some((p) => p.startsWith("GET /api/v1/cvms/{cvm_id} — response 200: /kms_info/chain_id")),
      found.join("\n"),
    );
    const noStatus = { ...detail, status: undefined };
    const missing = problems(
      validator.check({ method: "GET", path: "/api/v1/cvms/cvm_abc", status: 200, responseBody: noStatus }),
    );
    assert.ok(
      missing.some((p) => p.includes("'status'")),
      missing.join("\n"),
    );
  });

  it("names the field of a wrong request body, a bad query parameter, an undocumented status, an unknown route", () => {
    const body = problems(
      validator.check({ method: "PATCH", path: "/api/v1/cvms/x/envs", requestBody: { env_keys: "A" } }),
    );
    assert.ok(
      body.some((p) => p.includes("request body: (root) must have required property 'encrypted_env'")),
    );
    assert.ok(
      body.some((p) => p.includes("request body: /env_keys")),
      body.join("\n"),
    );
    const query = problems(
      validator.check({ method: "GET", path: "/api/v1/kms", query: { page_size: "many" } }),
    );
    assert.ok(
      query.some((p) => p.startsWith("GET /api/v1/kms — query page_size:")),
      query.join("\n"),
    );
    const status = problems(
      validator.check({ method: "GET", path: "/api/v1/kms/on-chain/base", status: 404, responseBody: {} }),
    );
    assert.deepEqual(status, [
      "GET /api/v1/kms/on-chain/{chain} — response 404: status 404 is not documented for this operation",
    ]);
    const route = problems(validator.check({ method: "GET", path: "/api/v1/nothing/here" }));
    assert.deepEqual(route, ["GET /api/v1/nothing/here — path: operation not in the OpenAPI document"]);
  });

  it("the contract check throws on a divergent recorded exchange, and skips only what it cannot judge", () => {
    const recorded = (over: Partial<RecordedExchange>): RecordedExchange => ({
      at: "",
      method: "GET",
      route: "GET /kms/{kms_id}",
      path: "/api/v1/kms/kms_x",
      status: 200,
      faulted: false,
      query: {},
      responseBody: { id: "not-a-kms-id", url: "u", version: "v" },
      ...over,
    });
    assert.throws(
      () => assertExchangesConform([recorded({})]),
      /GET \/api\/v1\/kms\/\{kms_id\} — response 200: \/id must match pattern/,
    );
    // An injected fault is not the emulator's answer; an unserved path is not judged.
    assertExchangesConform([recorded({ faulted: true, status: 503 })]);
    assertExchangesConform([recorded({ route: "GET <unmatched>", path: "/api/v1/nothing" })]);
  });

  it("reads OpenAPI 3.0 `nullable` and resolves $ref to components", () => {
    const small = new OpenApiValidator({
      openapi: "3.0.3",
      paths: {
        "/thing": {
          get: {
            responses: {
              "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string", nullable: true }, size: { type: "integer" } },
          },
        },
      },
    });
    assert.deepEqual(
      small.check({ method: "GET", path: "/thing", status: 200, responseBody: { name: null } }),
      [],
    );
    assert.deepEqual(
      problems(
        small.check({ method: "GET", path: "/thing", status: 200, responseBody: { name: 1, size: "x" } }),
      ),
      ["GET /thing — response 200: /name must be string", "GET /thing — response 200: /size must be integer"],
    );
  });
});
