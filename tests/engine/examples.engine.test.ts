import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { type Emulator, startEmulator } from "../../emulator";
import { createLocalEngine } from "../../scripts/engine/local-engine";
import { readProjectFile } from "../../scripts/engine/project";
import { providePulumiCli, REPO_ROOT } from "./engine-fixture";

const EXAMPLES = join(REPO_ROOT, "examples");

/** Loads a program module afresh (top-level statements run once per stack) and returns its outputs. */
async function runProgram(main: string): Promise<Record<string, unknown>> {
  const entry = require.resolve(main);
  delete require.cache[entry];
  const module = require(entry) as { default?: () => Promise<Record<string, unknown>> };
  return typeof module.default === "function" ? await module.default() : { ...module };
}

/** The stack config each example needs to run against the emulator. */
function exampleConfig(example: string, emulator: Emulator): ConfigMap {
  const phala: ConfigMap = {
    "phala:apiUrl": { value: emulator.apiUrl },
    "phala:apiKey": { value: emulator.apiKey, secret: true },
    "phala:rpcUrl": { value: emulator.chain.rpcUrl },
    "phala:privateKey": { value: emulator.appOwner.privateKey, secret: true },
  };
  const byName = (name: string) => emulator.cvms.find((c) => c.name === name)?.name ?? name;
  const perExample: Record<string, ConfigMap> = {
    "cvm-environment": {
      webCvmId: { value: byName("phala-env-demo") },
      workerCvmId: { value: byName("onchain-env-demo") },
      apiToken: { value: "example-token", secret: true },
      databaseUrl: { value: "postgres://example", secret: true },
    },
    "data-sources": { cvmId: { value: byName("phala-env-demo") } },
  };
  const own = perExample[example];
  if (!own) throw new Error(`examples/${example} has no config in this test: add it to exampleConfig`);
  return { ...phala, ...own };
}

describe("engine: every program in examples/ runs", function () {
  this.timeout(600_000);
  let emulator: Emulator;

  before(async function () {
    providePulumiCli(this);
    emulator = await startEmulator({ settings: { operationDurationMs: 150 } });
  });

  after(async () => {
    await emulator?.stop();
  });

  const examples = readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  /** Each example's project: its own Pulumi.yaml, or the top-level one whose `main` it is. */
  const projectOf = (example: string) => {
    const dir = join(EXAMPLES, example);
    if (existsSync(join(dir, "Pulumi.yaml"))) return readProjectFile(dir);
    const root = readProjectFile(REPO_ROOT);
    assert.equal(
      root.main,
      dir,
      `examples/${example} has no Pulumi.yaml and is not the top-level project's main`,
    );
    return root;
  };

  it("finds the examples", () => {
    assert.ok(examples.length >= 2, `examples found: ${examples.join(", ")}`);
  });

  for (const example of examples) {
    it(`examples/${example}: up, then destroy`, async () => {
      const project = projectOf(example);
      const engine = await createLocalEngine({
        projectName: project.name,
        main: project.main,
        stackName: "example",
        program: () => runProgram(project.main),
      });
      try {
        await engine.stack.setAllConfig(
          Object.fromEntries(
            Object.entries(exampleConfig(example, emulator)).map(([key, value]) => [
              key.includes(":") ? key : `${project.name}:${key}`,
              value,
            ]),
          ),
        );
        const up = await engine.stack.up({ onOutput: () => undefined });
        assert.equal(up.summary.result, "succeeded");
        const outputs = Object.keys(up.outputs);
        assert.ok(outputs.length > 0, "the example exports outputs");
        const printed = JSON.stringify(up.outputs);
        assert.ok(!printed.includes(emulator.apiKey), "no API key in outputs");
        await engine.stack.destroy({ onOutput: () => undefined });
      } finally {
        await engine.dispose();
      }
    });
  }
});
