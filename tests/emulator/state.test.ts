import assert from "node:assert/strict";
import { FaultRegistry } from "../../emulator/faults";
import { codedError } from "../../emulator/http/coded-error";
import { Router } from "../../emulator/http/router";
import { Clock } from "../../emulator/state/clock";
import type { CvmRecord } from "../../emulator/state/cvm";
import { CvmStore } from "../../emulator/state/cvm-store";
import { applyGuestEnvRules } from "../../emulator/state/guest-env";
import { KeyService, seedKmsEntries } from "../../emulator/state/kms";
import { PendingHashes } from "../../emulator/state/pending-hashes";
import { verifyEnvPublicKeySignature } from "../../provider/crypto";

// Pure pieces of the emulator, without HTTP or chain.
describe("emulator state (pure logic)", () => {
  describe("guest env rules", () => {
    it("drops keys outside allowed_envs; the later duplicate wins", () => {
      const result = applyGuestEnvRules(
        [
          { key: "A", value: "1" },
          { key: "B", value: "x" },
          { key: "A", value: "2" },
        ],
        ["A"],
      );
      assert.deepEqual(result, { ok: true, env: [{ key: "A", value: "2" }], dropped: ["B"] });
    });

    it("checks the name pattern only for allowed keys, but counts entries before filtering", () => {
      assert.equal(applyGuestEnvRules([{ key: "not-allowed-and-bad", value: "" }], ["A"]).ok, true);
      const bad = applyGuestEnvRules([{ key: "9A", value: "" }], ["9A"]);
      assert.equal(bad.ok, false);
      const many = Array.from({ length: 1025 }, (_, i) => ({ key: `K${i}`, value: "" }));
      assert.equal(applyGuestEnvRules(many, []).ok, false);
      assert.equal(applyGuestEnvRules(many.slice(0, 1024), []).ok, true);
    });

    it("enforces key, value and total size limits", () => {
      assert.equal(applyGuestEnvRules([{ key: "K".repeat(256), value: "" }], []).ok, false);
      assert.equal(applyGuestEnvRules([{ key: "K".repeat(255), value: "" }], []).ok, true);
      assert.equal(applyGuestEnvRules([{ key: "V", value: "v".repeat(128 * 1024 + 1) }], ["V"]).ok, false);
      const nine = Array.from({ length: 9 }, (_, i) => ({ key: `V${i}`, value: "v".repeat(120 * 1024) }));
      const result = applyGuestEnvRules(nine, []);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && /too large/.test(result.error));
    });
  });

  describe("CVM store", () => {
    const cvm = (name: string, appId: string, n: number): CvmRecord =>
      ({
        id: `cvm_${n}abc`,
        legacyId: 100 + n,
        name,
        appId,
        vmUuid: `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
        instanceId: `instance_${n}`,
      }) as CvmRecord;
    const store = new CvmStore();
    store.add(cvm("alpha-app", "a".repeat(40), 1));
    store.add(cvm("beta-app", "b".repeat(40), 2));
    store.add(cvm("beta-twin", "b".repeat(40), 3));

    it("resolves every identifier form", () => {
      const name = (id: string) => {
        const r = store.resolve(id);
        return "cvm" in r ? r.cvm.name : r.error;
      };
      assert.equal(name("cvm_1abc"), "alpha-app");
      assert.equal(name("00000001-aaaa-4bbb-8ccc-dddddddddddd"), "alpha-app");
      assert.equal(name("00000001aaaa4bbb8cccdddddddddddd"), "alpha-app");
      assert.equal(name("00000001AAAA4BBB8CCCDDDDDDDDDDDD"), "alpha-app");
      assert.equal(name(`app_${"a".repeat(40)}`), "alpha-app");
      assert.equal(name("a".repeat(40)), "alpha-app");
      assert.equal(name(`0x${"A".repeat(40)}`), "alpha-app");
      assert.equal(name("instance_1"), "alpha-app");
      assert.equal(name("101"), "alpha-app");
      assert.equal(name("alpha-app"), "alpha-app");
      assert.equal(name("gamma-app"), "not-found");
      assert.equal(name("cvm_9"), "not-found");
      assert.equal(name(`app_${"b".repeat(40)}`), "ambiguous");
    });
  });

  describe("pending compose hashes", () => {
    it("expires after the TTL, is superseded by a newer phase 1, and compares env_keys as a set", () => {
      const clock = new Clock();
      const pending = new PendingHashes(clock, () => 1000);
      pending.remember("cvm_1", "aa".repeat(32), ["B", "A"]);
      assert.equal(pending.lookup("cvm_1", `0x${"AA".repeat(32)}`, ["A", "B"]).ok, true);
      assert.deepEqual(pending.lookup("cvm_1", "aa".repeat(32), ["A"]), {
        ok: false,
        reason: "env-keys-mismatch",
      });
      assert.deepEqual(pending.lookup("cvm_2", "aa".repeat(32), ["A", "B"]), {
        ok: false,
        reason: "unknown",
      });
      pending.remember("cvm_1", "bb".repeat(32), ["C"]);
      assert.deepEqual(pending.lookup("cvm_1", "aa".repeat(32), ["A", "B"]), {
        ok: false,
        reason: "superseded",
      });
      assert.equal(pending.lookup("cvm_1", "bb".repeat(32), ["C"]).ok, true);
      clock.advance(1001);
      assert.deepEqual(pending.lookup("cvm_1", "bb".repeat(32), ["C"]), { ok: false, reason: "expired" });
    });
  });

  describe("KMS keys", () => {
    it("derives a stable env key per app and signs it with the KMS key", () => {
      const keys = new KeyService(new Uint8Array(32).fill(7));
      const again = new KeyService(new Uint8Array(32).fill(7));
      const other = new KeyService(new Uint8Array(32).fill(8));
      const app = "12".repeat(20);
      assert.equal(keys.envPublicKeyHex(app), again.envPublicKeyHex(`0x${app}`));
      assert.notEqual(keys.envPublicKeyHex(app), keys.envPublicKeyHex("34".repeat(20)));
      assert.notEqual(keys.envPublicKeyHex(app), other.envPublicKeyHex(app));
      const signed = keys.signedEnvPublicKey(app);
      assert.match(signed.signature, /^[0-9a-f]{130}$/);
      assert.equal(
        verifyEnvPublicKeySignature({
          appId: app,
          ...signed,
          publicKey: signed.public_key,
          kmsPublicKey: keys.k256PublicKey,
        }),
        true,
      );
      assert.equal(
        verifyEnvPublicKeySignature({
          appId: app,
          ...signed,
          publicKey: signed.public_key,
          kmsPublicKey: other.k256PublicKey,
        }),
        false,
      );
    });

    it("seeds 25 KMS entries with unique ids and slugs", () => {
      const local = `0x${"12".repeat(20)}`;
      const entries = seedKmsEntries(31337, local);
      assert.equal(entries.length, 25);
      assert.equal(entries.find((e) => e.slug === "kms-ethereum-local")?.kms_contract_address, local);
      assert.equal(new Set(entries.map((e) => e.id)).size, 25);
      assert.equal(new Set(entries.map((e) => e.slug)).size, 25);
      assert.ok(entries.every((e) => (e.kind === "phala") === (e.chain_id === null)));
    });
  });

  describe("HTTP building blocks", () => {
    it("router: literal segments win over parameters; method mismatch is reported", () => {
      const router = new Router<string>()
        .add("GET", "/kms/{kms_id}", "one")
        .add("GET", "/kms/on-chain/{chain}", "onchain")
        .add("GET", "/kms/{kms}/pubkey/{app_id}", "pubkey")
        .add("GET", "/kms/phala/next_app_id", "next");
      const hit = (path: string, method = "GET") => {
        const m = router.match(method, path);
        return typeof m === "object" ? [m.handler, m.params] : m;
      };
      assert.deepEqual(hit("/kms/on-chain/base"), ["onchain", { chain: "base" }]);
      assert.deepEqual(hit("/kms/phala/next_app_id"), ["next", {}]);
      assert.deepEqual(hit("/kms/phala/pubkey/ab"), ["pubkey", { kms: "phala", app_id: "ab" }]);
      assert.deepEqual(hit("/kms/kms%5Fx"), ["one", { kms_id: "kms_x" }]);
      assert.equal(hit("/kms/x", "PATCH"), "method-not-allowed");
      assert.equal(hit("/nope"), undefined);
    });

    it("faults: times counts down, null persists, '*' matches all", () => {
      const faults = new FaultRegistry();
      faults.add({ route: "GET /a", status: 500, times: 2 });
      assert.equal(faults.take("GET /b").kind, "none");
      assert.equal(faults.take("GET /a").kind, "apply");
      assert.equal(faults.take("GET /a").kind, "apply");
      assert.equal(faults.take("GET /a").kind, "none");
      faults.add({ route: "*", drop: true, times: null });
      for (let i = 0; i < 5; i++) assert.equal(faults.take(`GET /${i}`).kind, "apply");
      faults.clear();
      assert.equal(faults.take("GET /a").kind, "none");
    });

    it("coded errors in layouts C, D and E", () => {
      const error = {
        status: 465,
        errorCode: "ERR-01-005",
        message: "m",
        details: [{ field: "compose_hash", value: "ab", message: null }],
      };
      assert.deepEqual(codedError(error, "C", "req_1").body, {
        error_code: "ERR-01-005",
        message: "m",
        request_id: "req_1",
        details: error.details,
      });
      assert.deepEqual(codedError(error, "D", "req_1").body, {
        detail: codedError(error, "C", "req_1").body,
      });
      assert.deepEqual(codedError(error, "E", "req_1").body, { message: "m", compose_hash: "ab" });
      assert.equal(codedError(error, "E", "req_1").status, 465);
    });
  });
});
