import assert from "node:assert/strict";
import { createClient, getCvmComposeFile, withComposeMethods } from "@phala/cloud";
import { serializeAppCompose, upstreamComposeHash } from "../../emulator/compose/compose-hash";
import { useEmulator } from "../support/fixtures";
import { api, detailsOf, encryptFor } from "./helpers";

/**
 * The official @phala/cloud (0.2.9) compose hash: its own `getComposeHash` (src/utils/get_compose_hash.ts),
 * reached through `withComposeMethods(compose).getHash()` as `getCvmComposeFile` uses it. (The package's
 * top-level `getComposeHash` export is @phala/dstack-sdk's compact-JSON variant, a different convention.)
 */
const sdkHash = (compose: Record<string, unknown>) =>
  withComposeMethods(compose as unknown as Parameters<typeof withComposeMethods>[0]).getHash();

// The emulator's compose hash is its own code; the official package produces the vectors it must match.
const base = {
  allowed_envs: ["B", "A"],
  docker_compose_file: "services:\n  app:\n    image: x\n",
  features: ["kms"],
  kms_enabled: true,
  manifest_version: 2,
  name: "x",
  runner: "docker-compose",
};
const vectors: Record<string, Record<string, unknown>> = {
  plain: base,
  "empty pre_launch_script": { ...base, pre_launch_script: "" },
  "null pre_launch_script": { ...base, pre_launch_script: null },
  "non-empty pre_launch_script": { ...base, pre_launch_script: "#!/bin/sh\necho hi\n" },
  "bash runner carrying docker_compose_file": { ...base, runner: "bash", bash_script: "run.sh" },
  "docker-compose runner carrying bash_script": { ...base, bash_script: "ignored" },
  "non-ASCII text": { ...base, name: "Grüße 世界 ✓", docker_compose_file: "# café — ü\n" },
  'a string value containing ": "': { ...base, description: 'a": b', note: 'x": y": z' },
  "nested objects and arrays are sorted by key": {
    ...base,
    zeta: { b: 1, a: [{ d: true, c: null }, "s"] },
    alpha: {},
    empty: [],
  },
  "numeric-looking keys": { ...base, "10": "ten", "2": "two", b: 1 },
};

describe("emulator: compose hash follows upstream getComposeHash", () => {
  for (const [name, compose] of Object.entries(vectors)) {
    it(name, () => {
      assert.equal(upstreamComposeHash(compose), sdkHash(compose));
    });
  }

  it('drops what upstream drops and rewrites ": " inside strings too', () => {
    assert.equal(
      upstreamComposeHash({ ...base, runner: "bash", bash_script: "run.sh", docker_compose_file: "other" }),
      upstreamComposeHash({ ...base, runner: "bash", bash_script: "run.sh" }),
    );
    assert.equal(upstreamComposeHash({ ...base, pre_launch_script: "" }), upstreamComposeHash(base));
    assert.notEqual(upstreamComposeHash({ ...base, pre_launch_script: "x" }), upstreamComposeHash(base));
    assert.equal(serializeAppCompose({ v: 'a": b' }), '{\n    "v":"a\\":b"\n}');
  });
});

describe("emulator: seeded CVMs exercise every compose-hash rule", () => {
  const emulator = useEmulator();

  it("GET /cvms/{id} compose_hash and the 465 hash agree with @phala/cloud on every seed", async () => {
    const client = createClient({ apiKey: emulator.apiKey, baseURL: emulator.apiUrl });
    const seen = { emptyPreLaunch: false, bashWithCompose: false, nonAscii: false, quoteColon: false };
    for (const cvm of emulator.cvms) {
      const compose = await getCvmComposeFile(client, { id: cvm.id });
      const { getHash: _h, toString: _s, ...plain } = compose;
      const raw = plain as Record<string, unknown>;
      if ("pre_launch_script" in raw && !raw.pre_launch_script) seen.emptyPreLaunch = true;
      if (raw.runner === "bash" && "docker_compose_file" in raw) seen.bashWithCompose = true;
      if ([...JSON.stringify(raw)].some((ch) => ch.charCodeAt(0) > 0x7f)) seen.nonAscii = true;
      if (JSON.stringify(raw).includes('\\": ')) seen.quoteColon = true;
      const info = await client.getCvmInfo({ id: cvm.id });
      assert.equal(info.compose_hash, sdkHash(raw), cvm.name);
      assert.equal(emulator.inspectCvm(cvm.id).compose_hash, sdkHash(raw), cvm.name);
      if (cvm.kms_type === "phala") continue;
      const keys = ["LOG_LEVEL", "NEW_KEY"];
      const res = await api(emulator, "PATCH", `/cvms/${cvm.id}/envs`, {
        body: { encrypted_env: encryptFor(emulator, cvm.id, { NEW_KEY: "x" }), env_keys: keys },
      });
      assert.equal(res.status, 465, cvm.name);
      assert.equal(detailsOf(res.body).compose_hash, sdkHash({ ...raw, allowed_envs: keys }), cvm.name);
    }
    assert.deepEqual(seen, { emptyPreLaunch: true, bashWithCompose: true, nonAscii: true, quoteColon: true });
  });
});
