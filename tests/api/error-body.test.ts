import assert from "node:assert/strict";
import { parseErrorBody, parsePreconditionRequired, UnexpectedResponseError } from "../../provider/api";
import { errorField, validationPath } from "../../provider/api/error-body";
import {
  APP_ID,
  COMPOSE_HASH,
  DEVICE_ID,
  docsKmsInfoJson,
  kmsInfoJson,
  precondition465Bodies,
} from "./helpers/fixtures";

const ROUTE = "PATCH /cvms/app_x/envs";

describe("parseErrorBody", () => {
  it("A: string detail", () => {
    const p = parseErrorBody({ detail: "CVM not found" });
    assert.equal(p.layout, "A");
    assert.equal(p.message, "CVM not found");
    assert.equal(p.errorCode, undefined);
  });

  it("B: validation list, loc without the request part", () => {
    const p = parseErrorBody({
      detail: [
        { loc: ["body", "encrypted_env"], msg: "Field required", type: "missing", input: { secret: 1 } },
        { loc: ["query", "page"], msg: "Input should be greater than 0", type: "greater_than" },
        { loc: ["body", "env_keys", 2], msg: "String should match pattern", type: "string_pattern_mismatch" },
        { loc: ["custom", "x"], msg: "Bad", type: "value_error" },
      ],
    });
    assert.equal(p.layout, "B");
    assert.deepEqual(
      p.validation.map((v) => v.path),
      ["encrypted_env", "page", "env_keys.2", "custom.x"],
    );
    assert.equal(p.validation[0]?.message, "Field required");
  });

  it("C: structured at the top level", () => {
    const p = parseErrorBody({
      error_code: "ERR-01-006",
      message: "Compose hash expired",
      request_id: "req-1",
      details: [{ field: "compose_hash", value: "ab", message: null }],
      suggestions: ["Start over"],
      links: [{ url: "https://docs.example", label: "docs" }],
    });
    assert.equal(p.layout, "C");
    assert.equal(p.errorCode, "ERR-01-006");
    assert.equal(p.requestId, "req-1");
    assert.deepEqual(p.suggestions, ["Start over"]);
    assert.equal(errorField(p, "compose_hash"), "ab");
  });

  it("D: structured under detail", () => {
    const p = parseErrorBody({
      detail: { error_code: "ERR-03-001", message: "CVM not found", request_id: "r2" },
    });
    assert.equal(p.layout, "D");
    assert.equal(p.errorCode, "ERR-03-001");
    assert.equal(p.message, "CVM not found");
    assert.equal(p.requestId, "r2");
  });

  it("E: legacy flat 465", () => {
    const p = parseErrorBody({
      message: "Compose hash verification required",
      compose_hash: "aa",
      app_id: "bb",
    });
    assert.equal(p.layout, "E");
    assert.equal(p.message, "Compose hash verification required");
    assert.equal(errorField(p, "app_id"), "bb");
  });

  it("anything else is unknown", () => {
    for (const body of [undefined, null, "text", 42, [], { foo: 1 }]) {
      assert.equal(parseErrorBody(body).layout, "unknown");
    }
  });

  it("validationPath tolerates odd loc values", () => {
    assert.equal(validationPath(undefined), "");
    assert.equal(validationPath(["body"]), "");
    assert.equal(validationPath(["header", "x-api-key"]), "x-api-key");
  });
});

describe("parsePreconditionRequired (465)", () => {
  for (const prefix of ["", "0x"]) {
    for (const [layout, body] of precondition465Bodies(
      `${prefix}${COMPOSE_HASH}`,
      `${prefix}${APP_ID}`,
      `${prefix}${DEVICE_ID}`,
    )) {
      it(`layout ${layout}, ${prefix === "" ? "bare hex" : "0x-prefixed"}`, () => {
        const r = parsePreconditionRequired(body, ROUTE);
        assert.equal(r.kind, "precondition_required");
        assert.equal(r.composeHash, `${prefix}${COMPOSE_HASH}`, "compose hash kept verbatim");
        assert.equal(r.composeHashHex, COMPOSE_HASH);
        assert.equal(r.appId, APP_ID);
        assert.equal(r.deviceId, DEVICE_ID);
        assert.equal(r.message, "Compose hash registration required on-chain");
        const expected =
          layout === "C (docs)"
            ? { chainId: 8453, kmsContractAddress: docsKmsInfoJson.kms_contract_address }
            : {
                id: "kms_base_prod9",
                slug: "kms-base-prod9",
                url: "https://kms.example.test:8000",
                version: "v0.5.7",
                chainId: 8453,
                kmsContractAddress: "0x2f83172A49584C017F2B256F0FB2Dca14126Ba9C",
              };
        assert.deepEqual(r.kmsInfo, expected);
      });
    }
  }

  it("keeps an upper-case hash verbatim and normalises the hex form", () => {
    const upper = `0x${COMPOSE_HASH.toUpperCase()}`;
    const r = parsePreconditionRequired(
      { message: "m", compose_hash: upper, app_id: APP_ID.toUpperCase() },
      ROUTE,
    );
    assert.equal(r.composeHash, upper);
    assert.equal(r.composeHashHex, COMPOSE_HASH);
    assert.equal(r.appId, APP_ID);
    assert.equal(r.deviceId, undefined);
    assert.equal(r.kmsInfo, undefined);
  });

  it("carries error code and request id of structured layouts", () => {
    const [, body] = precondition465Bodies(COMPOSE_HASH, APP_ID, DEVICE_ID)[0] ?? [];
    const r = parsePreconditionRequired(body, ROUTE);
    assert.equal(r.errorCode, "ERR-01-005");
    assert.equal(r.requestId, "req-465");
  });

  it("rejects a 465 without a usable compose hash or app id, naming the fields only", () => {
    const secretish = "f".repeat(63);
    try {
      parsePreconditionRequired(
        { error_code: "ERR-01-005", message: "m", details: [{ field: "compose_hash", value: secretish }] },
        ROUTE,
      );
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(error instanceof UnexpectedResponseError);
      assert.equal(error.status, 465);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ["compose_hash", "app_id"],
      );
      assert.match(error.message, /PATCH \/cvms\/app_x\/envs/);
      assert.ok(!error.message.includes(secretish));
    }
  });

  it("requires kms_info.chain_id only: the other KMS fields may be missing", () => {
    const parse = (kmsInfo: unknown) =>
      parsePreconditionRequired(
        { message: "m", compose_hash: COMPOSE_HASH, app_id: APP_ID, kms_info: kmsInfo },
        ROUTE,
      );
    assert.deepEqual(parse({ chain_id: 8453 }).kmsInfo, { chainId: 8453 });
    assert.deepEqual(parse({ ...kmsInfoJson, chain_id: null }).kmsInfo?.chainId, null);
    for (const bad of [{ ...kmsInfoJson, chain_id: undefined }, { chain_id: "8453" }, {}]) {
      assert.throws(
        () => parse(bad),
        (e: unknown) =>
          e instanceof UnexpectedResponseError && e.issues.some((i) => i.path === "kms_info.chain_id"),
      );
    }
  });
});
