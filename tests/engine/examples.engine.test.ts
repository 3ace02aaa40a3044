import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "../../emulator";
import { pulumiSession } from "../../scripts/engine/pulumi-session";
import { sharedWorkspace } from "../../scripts/engine/workspace";
import { useEmulator } from "../support/fixtures";
import { providePulumiCli, REPO_ROOT } from "./engine-fixture";

const EXAMPLES = join(REPO_ROOT, "examples");

interface Setting {
  value: string;
  secret?: boolean;
}

interface ExampleRun {
  config: Record<string, Setting>;
  /** Outputs the example must export after `up`, with what each must satisfy. */
  outputs: Record<string, (value: unknown) => boolean>;
}

const nonEmptyList = (value: unknown) => Array.isArray(value) && value.length > 0;

/** The stack config each example needs to run against the emulator, and what it must export. */
function exampleRun(example: string, emulator: Emulator): ExampleRun {
  const phala: Record<string, Setting> = {
    "phala:apiUrl": { value: emulator.apiUrl },
    "phala:apiKey": { value: emulator.apiKey, secret: true },
    "phala:rpcUrl": { value: emulator.chain.rpcUrl },
    "phala:privateKey": { value: emulator.appOwner.privateKey, secret: true },
  };
  const byName = (name: string) => emulator.cvms.find((c) => c.name === name)?.name ?? name;
  const perExample: Record<string, ExampleRun> = {
    "cvm-environment": {
      config: {
        webCvmId: { value: byName("phala-env-demo") },
        workerCvmId: { value: byName("onchain-env-demo") },
        apiToken: { value: "example-token", secret: true },
        databaseUrl: { value: "postgres://example", secret: true },
      },
      outputs: {
        webEnvKeys: (keys) => JSON.stringify(keys) === JSON.stringify(["API_TOKEN", "LOG_LEVEL"]),
        workerEnvKeys: (keys) => JSON.stringify(keys) === JSON.stringify(["DATABASE_URL"]),
        workerChainId: (id) => id === emulator.chain.chainId,
        workerRegistrationTx: (tx) => typeof tx === "string" && /^0x[0-9a-f]{64}$/.test(tx),
      },
    },
    "data-sources": {
      config: { cvmId: { value: byName("phala-env-demo") } },
      outputs: { kmsCount: (n) => typeof n === "number" && n > 0, appIds: nonEmptyList },
    },
  };
  const own = perExample[example];
  if (!own) throw new Error(`examples/${example} has no config in this test: add it to exampleRun`);
  return { config: { ...phala, ...own.config }, outputs: own.outputs };
}

describe("engine: every program in examples/ runs as a project with the CLI (tarball install)", function () {
  this.timeout(600_000);
  const emulator = useEmulator({ settings: { operationDurationMs: 150 } });

  before(async function () {
    providePulumiCli(this);
  });

  const examples = readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  it("finds the examples, each a project directory", () => {
    assert.ok(examples.length >= 2, `examples found: ${examples.join(", ")}`);
    for (const example of examples) {
      for (const file of ["Pulumi.yaml", "package.json", "index.ts"]) {
        assert.ok(existsSync(join(EXAMPLES, example, file)), `examples/${example}/${file}`);
      }
    }
  });

  for (const example of examples) {
    it(`examples/${example}: pulumi up, then pulumi destroy`, async () => {
      const workspace = await sharedWorkspace(join(EXAMPLES, "cvm-environment"));
      const session = pulumiSession(workspace.addProject(join(EXAMPLES, example)));
      try {
        await session.run(["stack", "init", "example"]);
        const run = exampleRun(example, emulator);
        for (const [key, setting] of Object.entries(run.config)) {
          await session.run(["config", "set", ...(setting.secret ? ["--secret"] : []), key, setting.value]);
        }
        await session.run(["up", "--yes"]);
        const { stdout } = await session.run(["stack", "output", "--json"]);
        const outputs = JSON.parse(stdout) as Record<string, unknown>;
        for (const [name, satisfied] of Object.entries(run.outputs)) {
          assert.ok(satisfied(outputs[name]), `output ${name}: ${JSON.stringify(outputs[name])}`);
        }
        assert.ok(!stdout.includes(emulator.apiKey), "no API key in outputs");
        await session.run(["destroy", "--yes"]);
        await session.run(["stack", "rm", "--yes"]);
      } finally {
        session.dispose();
      }
    });
  }
});
