import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { type Emulator, startEmulator } from "../emulator";
import { type PulumiSession, pulumiSession } from "../scripts/engine/pulumi-session";
import { createWorkspace } from "../scripts/engine/workspace";

/** Resources per project, as in the issue that set the target. */
const COUNT = 50;
const RUNS = 3;

/**
 * `pulumi preview` of COUNT unchanged resources: CvmEnvironments (after an `up`) beside the same
 * number of dynamic resources whose provider does nothing. The difference is what this package adds;
 * the emulator counts the API requests the previews made (none is expected).
 */
export async function benchPreview(): Promise<void> {
  const ours = resolve(__dirname, "cli-project");
  const workspace = await createWorkspace(ours);
  const emulator = await startEmulator();
  try {
    const cvmIds: string[] = [];
    for (let i = 0; i < COUNT; i++)
      cvmIds.push((await emulator.createCvm({ name: `preview-${i}`, kms: "phala" })).id);
    const phala = await previewTimes(workspace.addProject(ours, "preview-ours"), emulator, [
      ["phala:apiUrl", emulator.apiUrl],
      ["phala:apiKey", emulator.apiKey],
      ["cvmIds", cvmIds.join(",")],
      ["env", JSON.stringify({ LOG_LEVEL: "info" })],
    ]);
    const noop = await previewTimes(
      workspace.addProject(resolve(__dirname, "noop-project"), "preview-noop"),
      emulator,
      [["count", String(COUNT)]],
    );
    console.log(`\npulumi preview of ${COUNT} unchanged resources, median of ${RUNS}`);
    console.log(`  CvmEnvironment                 ${ms(phala.median)}   API requests ${phala.requests}`);
    console.log(`  no-op dynamic resource         ${ms(noop.median)}`);
    console.log(`  this package's share           ${ms(phala.median - noop.median)}`);
  } finally {
    await emulator.stop();
    workspace.dispose();
  }
}

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;

async function previewTimes(
  projectDir: string,
  emulator: Emulator,
  config: [string, string][],
): Promise<{ median: number; requests: number }> {
  const session = pulumiSession(projectDir);
  try {
    await run(session, ["stack", "init", "bench"]);
    for (const [key, value] of config) {
      await run(session, ["config", "set", ...(key.endsWith("apiKey") ? ["--secret"] : []), key, value]);
    }
    await run(session, ["up", "--yes", "--skip-preview"]);
    emulator.resetRequests();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await run(session, ["preview"]);
      times.push(performance.now() - start);
    }
    const requests = Object.values(emulator.requestCounts()).reduce((a, b) => a + b, 0);
    return { median: times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0, requests };
  } finally {
    session.dispose();
  }
}

async function run(session: PulumiSession, args: string[]): Promise<void> {
  const result = await session.run(args);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${result.stderr}`);
}
