import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SeededCvm } from "../../emulator";
import { type PulumiSession, pulumiSession } from "../../scripts/engine/pulumi-session";
import { sharedWorkspace } from "../../scripts/engine/workspace";
import { useEmulator } from "../support/fixtures";
import { providePulumiCli, REPO_ROOT } from "./engine-fixture";
import { normalizeCliText } from "./normalize-cli-text";

const GOLDEN = join(__dirname, "golden");
/** `UPDATE_GOLDEN=1 npx mocha tests/engine/preview-text.engine.test.ts` rewrites the files. */
const UPDATE = process.env.UPDATE_GOLDEN === "1";

type Env = Record<string, string>;

/** A distinct value per key and version, so a value in the text cannot go unnoticed. */
const value = (key: string, version = 1) => `value-of-${key.toLowerCase()}-v${version}-9f3c`;
const envOf = (...entries: (string | [string, number])[]): Env =>
  Object.fromEntries(
    entries.map((entry) => (typeof entry === "string" ? [entry, value(entry)] : [entry[0], value(...entry)])),
  );

interface Case {
  golden: string;
  env: Env;
  /** The key lines the preview must show (`+ KEY`, `- KEY`, `~ KEY`); none for no change. */
  expect: string[];
}

const PHALA_BASE = envOf("BRAVO", "DELTA", "FOXTROT");
const PHALA_CASES: Case[] = [
  { golden: "add-first", env: envOf("ALPHA", "BRAVO", "DELTA", "FOXTROT"), expect: ["+ ALPHA"] },
  { golden: "add-middle", env: envOf("BRAVO", "CHARLIE", "DELTA", "FOXTROT"), expect: ["+ CHARLIE"] },
  { golden: "add-last", env: envOf("BRAVO", "DELTA", "FOXTROT", "GOLF"), expect: ["+ GOLF"] },
  { golden: "remove", env: envOf("BRAVO", "FOXTROT"), expect: ["- DELTA"] },
  { golden: "value-changed", env: envOf("BRAVO", ["DELTA", 2], "FOXTROT"), expect: ["~ DELTA"] },
  { golden: "reordered", env: envOf("FOXTROT", "DELTA", "BRAVO"), expect: [] },
  { golden: "same-values", env: PHALA_BASE, expect: [] },
];
const CHAIN_BASE = envOf("DATABASE_URL", "LOG_LEVEL");
const CHAIN_CASES: Case[] = [
  {
    golden: "onchain-value-changed",
    env: envOf(["DATABASE_URL", 2], "LOG_LEVEL"),
    expect: ["~ DATABASE_URL"],
  },
  {
    golden: "onchain-key-set-changed",
    env: envOf("DATABASE_URL", "FEATURE_FLAG"),
    expect: ["+ FEATURE_FLAG", "- LOG_LEVEL"],
  },
];

/** Lines that name an env key with a change sign, as the CLI prints them. */
const keyLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.match(/^\s+([+~-]) ([A-Z][A-Z0-9_]*)\s*:/))
    .filter((match) => match !== null)
    .map((match) => `${match[1]} ${match[2]}`);

describe("engine: `pulumi preview --diff` text (CLI, tarball install)", function () {
  this.timeout(600_000);
  let session: PulumiSession;
  // Declared before the emulator fixture: mocha runs after hooks in declaration order, and the
  // stacks are destroyed against the emulator.
  after(async () => {
    if (session) {
      for (const name of ["phala", "onchain"]) {
        await session.run(["destroy", "-s", name, "--yes", "--skip-preview"], { allowFailure: true });
      }
      session.dispose();
    }
  });
  const emulator = useEmulator({ settings: { operationDurationMs: 150 } });

  const stack = async (name: string, cvm: SeededCvm, env: Env) => {
    await session.run(["stack", "init", name]);
    await session.run(["config", "set", "-s", name, "cvmId", cvm.name]);
    await setEnv(name, env);
    await session.run(["up", "-s", name, "--yes", "--skip-preview"]);
  };
  const setEnv = (name: string, env: Env) =>
    session.run(["config", "set", "-s", name, "--secret", "env", JSON.stringify(env)]);

  before(async function () {
    providePulumiCli(this);
    const workspace = await sharedWorkspace(join(REPO_ROOT, "examples", "cvm-environment"));
    session = pulumiSession(workspace.addProject(join(__dirname, "fixtures", "preview-text")), {
      PHALA_CLOUD_API_PREFIX: emulator.apiUrl,
      PHALA_CLOUD_API_KEY: emulator.apiKey,
      ETH_RPC_URL: emulator.chain.rpcUrl,
      PRIVATE_KEY: emulator.appOwner.privateKey,
    });
    const seed = (name: string) => {
      const cvm = emulator.cvms.find((c) => c.name === name);
      if (!cvm) throw new Error(`emulator has no seed ${name}`);
      return cvm;
    };
    await stack("phala", seed("phala-env-demo"), PHALA_BASE);
    await stack("onchain", seed("onchain-env-demo"), CHAIN_BASE);
  });

  const check = (stackName: string, base: Env, cases: Case[]) => {
    for (const c of cases) {
      it(`${c.golden}: ${c.expect.length ? c.expect.join(", ") : "no change"}`, async () => {
        await setEnv(stackName, c.env);
        const { stdout } = await session.run(["preview", "--diff", "-s", stackName]);
        await setEnv(stackName, base);
        const text = normalizeCliText(stdout, emulator);

        for (const [key, secret] of Object.entries({ ...base, ...c.env })) {
          assert.ok(!stdout.includes(secret), `the value of ${key} is not in the preview`);
        }
        assert.doesNotMatch(text, /\[\d+\]:/, "no positional (list index) change");
        assert.deepEqual(keyLines(text), c.expect);
        if (c.expect.length === 0) assert.match(text, /\n\s+\d+ unchanged\n/);

        const file = join(GOLDEN, `${c.golden}.txt`);
        if (UPDATE) writeFileSync(file, text);
        assert.ok(existsSync(file), `${file} is missing: UPDATE_GOLDEN=1 writes it`);
        assert.equal(text, readFileSync(file, "utf8"), `matches ${file}`);
      });
    }
  };

  describe("Phala KMS CVM, against BRAVO, DELTA, FOXTROT", () => check("phala", PHALA_BASE, PHALA_CASES));
  describe("on-chain KMS CVM, against DATABASE_URL, LOG_LEVEL", () =>
    check("onchain", CHAIN_BASE, CHAIN_CASES));
});
