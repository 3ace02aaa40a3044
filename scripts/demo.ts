/**
 * The demo: a real `pulumi preview` / `pulumi up` of the top-level project (Pulumi.yaml) against a
 * local Phala Cloud emulator and a local anvil chain. No account, no network.
 */
import { join } from "node:path";
import type { EngineEvent, OutputMap } from "@pulumi/pulumi/automation";
import { startEmulator } from "../emulator";
import { createLocalEngine } from "./engine/local-engine";
import { readProjectFile } from "./engine/project";

const REPO_ROOT = join(__dirname, "..");
const say = (line = "") => console.log(line);
const step = (title: string) => say(`\n== ${title}`);

function show(outputs: OutputMap, names: readonly string[]): void {
  for (const name of names) {
    const output = outputs[name];
    if (!output) continue;
    say(`   ${name.padEnd(22)} ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
  }
}

/** Lines of the engine's own rendering of each step, which is what `pulumi preview --diff` prints. */
function diffLines(events: EngineEvent[]): string[] {
  const lines: string[] = [];
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (meta?.type !== "pulumi-nodejs:dynamic:CvmEnvironment" || meta.op === "same") continue;
    const name = meta.urn.split("::").at(-1);
    const before = meta.old?.inputs ?? {};
    const after = meta.new?.inputs ?? {};
    const oldKeys = new Set<string>((before.envKeys as string[] | undefined) ?? []);
    const newKeys = new Set<string>((after.envKeys as string[] | undefined) ?? []);
    const oldRev = (before.envRevisions as Record<string, number> | undefined) ?? {};
    const newRev = (after.envRevisions as Record<string, number> | undefined) ?? {};
    const changes = [
      ...[...newKeys].filter((k) => !oldKeys.has(k)).map((k) => `+ ${k}`),
      ...[...oldKeys].filter((k) => !newKeys.has(k)).map((k) => `- ${k}`),
      ...[...newKeys].filter((k) => oldKeys.has(k) && oldRev[k] !== newRev[k]).map((k) => `~ ${k} changed`),
    ];
    lines.push(`   ${meta.op} ${name}: ${changes.join(", ") || "(no env key change)"}`);
  }
  return lines;
}

async function main(): Promise<void> {
  step("Starting the local Phala Cloud emulator and anvil chain");
  const emulator = await startEmulator();
  const web = emulator.cvms.find((c) => c.kms_type === "phala");
  const worker = emulator.cvms.find((c) => c.kms_type !== "phala" && c.owner === emulator.appOwner.address);
  if (!web || !worker) throw new Error("the emulator did not seed the expected CVMs");
  say(`   API ${emulator.apiUrl}   chain ${emulator.chain.rpcUrl} (id ${emulator.chain.chainId})`);
  say(
    `   web CVM ${web.name} (Phala KMS)   worker CVM ${worker.name} (on-chain KMS, app ${worker.app_contract})`,
  );

  const project = readProjectFile(REPO_ROOT);
  step(`Preparing stack "demo" of project ${project.name} (pulumi CLI, local file backend)`);
  const engine = await createLocalEngine({
    projectName: project.name,
    main: project.main,
    stackName: "demo",
    program: async () => require(project.main).default(),
  });
  const { stack } = engine;
  try {
    await stack.setAllConfig({
      "phala:apiUrl": { value: emulator.apiUrl },
      "phala:apiKey": { value: emulator.apiKey, secret: true },
      "phala:rpcUrl": { value: emulator.chain.rpcUrl },
      "phala:privateKey": { value: emulator.appOwner.privateKey, secret: true },
      webCvmId: { value: web.name },
      workerCvmId: { value: worker.app_id },
      apiToken: { value: "demo-token-0001", secret: true },
      databaseUrl: { value: "postgres://app:demo@db.internal/app", secret: true },
    });

    step("pulumi up: create both environments");
    const first = await stack.up({ onOutput: () => undefined });
    say(`   ${JSON.stringify(first.summary.resourceChanges)}`);
    show(first.outputs, [
      "webCvm",
      "webEnvKeys",
      "webCorrelationId",
      "workerCvm",
      "workerEnvKeys",
      "workerComposeHash",
      "workerRegistrationTx",
      "workerCorrelationId",
    ]);

    step("Change: add FEATURE_FLAG to the worker, change API_TOKEN on the web app");
    await stack.setConfig("featureFlag", { value: "on" });
    await stack.setConfig("apiToken", { value: "demo-token-0002", secret: true });
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ diff: true, onEvent: (e) => events.push(e) });
    say("   pulumi preview --diff (the engine's rendering; values stay [secret]):");
    for (const line of preview.stdout
      .split("\n")
      .filter((l) => /^\s+[~+-] |^\s+[~+-]\s*\[|^\s+[~+-] \w/.test(l))) {
      say(`     ${line.trimEnd()}`);
    }
    say("   in short:");
    for (const line of diffLines(events)) say(line);

    step("pulumi up: the worker's key set changed, so its compose hash is registered on-chain first");
    const second = await stack.up({ onOutput: () => undefined });
    say(`   ${JSON.stringify(second.summary.resourceChanges)}`);
    show(second.outputs, [
      "webEnvKeys",
      "webCorrelationId",
      "workerEnvKeys",
      "workerComposeHash",
      "workerRegistrationTx",
      "workerCorrelationId",
    ]);
    const inside = emulator.inspectCvm(worker.id);
    say(`   the worker CVM now runs with keys ${JSON.stringify(Object.keys(inside.env ?? {}).sort())}`);

    step("pulumi destroy: clear both environments");
    await stack.destroy({ onOutput: () => undefined });
    say(`   worker keys after destroy: ${JSON.stringify(emulator.inspectCvm(worker.id).allowed_envs)}`);
  } finally {
    await engine.dispose();
    await emulator.stop();
  }
  step("Done: emulator and chain stopped, temporary state removed");
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
