/**
 * The demo: the CLI session a user has. The example project is copied to a temporary directory,
 * `pulumi-phala` is installed there from the `npm pack` tarball of this checkout, and the real
 * `pulumi` CLI runs in it against a local Phala Cloud emulator and a local anvil chain: stack init,
 * config, preview, up, a key-set change, drift found by refresh, destroy. A local file backend and
 * passphrase secrets: no account, no network.
 */
import { join } from "node:path";
import { startEmulator } from "../emulator";
import { type PulumiSession, pulumiSession } from "./engine/pulumi-session";
import { createWorkspace } from "./engine/workspace";

const REPO_ROOT = join(__dirname, "..");
const say = (line = "") => console.log(line);
const step = (title: string) => say(`\n\x1b[1m== ${title}\x1b[0m`);

/** Lines of the CLI's output that say nothing in a demo: the non-interactive progress ticker. */
const NOISE = [/^@ (previewing|updating|refreshing|destroying)\b/];

/** Runs `pulumi <args>` in the project, echoing the command (secret arguments masked) and its output. */
async function pulumi(session: PulumiSession, args: string[], masked: number[] = []): Promise<string> {
  const shown = args.map((arg, i) => (masked.includes(i) ? "****" : /\s/.test(arg) ? `'${arg}'` : arg));
  say(`\n$ pulumi ${shown.join(" ")}`);
  let blank = false;
  const result = await session.run(args, {
    onLine: (line) => {
      if (NOISE.some((pattern) => pattern.test(line))) return;
      const empty = line.trim() === "";
      if (empty && blank) return;
      blank = empty;
      say(empty ? "" : `  ${line}`);
    },
  });
  return result.stdout;
}

async function main(): Promise<void> {
  step("A local Phala Cloud (emulator) and a local chain (anvil)");
  const emulator = await startEmulator();
  const web = emulator.cvms.find((c) => c.kms_type === "phala");
  const worker = emulator.cvms.find((c) => c.kms_type !== "phala" && c.owner === emulator.appOwner.address);
  if (!web || !worker) throw new Error("the emulator did not seed the expected CVMs");
  say(`   API ${emulator.apiUrl}   chain ${emulator.chain.rpcUrl} (id ${emulator.chain.chainId})`);
  say(`   web CVM ${web.name} (Phala KMS)   worker CVM ${worker.name} (on-chain KMS)`);

  step("A project directory that installs pulumi-phala from its npm tarball");
  const example = join(REPO_ROOT, "examples", "cvm-environment");
  const workspace = await createWorkspace(example, { onProgress: (line) => say(`   ${line}`) });
  const projectDir = workspace.addProject(example, "my-infra");
  const session = pulumiSession(projectDir);
  say(`   ${projectDir}: Pulumi.yaml, index.ts, package.json, node_modules/pulumi-phala (from the tarball)`);
  say(`   backend: PULUMI_BACKEND_URL=file://${session.backendDir}   secrets: passphrase`);

  try {
    step("Stack and configuration");
    await pulumi(session, ["stack", "init", "demo"]);
    const config: [string, string, boolean][] = [
      ["phala:apiUrl", emulator.apiUrl, false],
      ["phala:apiKey", emulator.apiKey, true],
      ["phala:rpcUrl", emulator.chain.rpcUrl, false],
      ["phala:privateKey", emulator.appOwner.privateKey, true],
      ["webCvmId", web.name, false],
      ["workerCvmId", worker.app_id, false],
      ["apiToken", "demo-token-0001", true],
      ["databaseUrl", "postgres://app:demo@db.internal/app", true],
    ];
    for (const [key, value, secret] of config) {
      await pulumi(
        session,
        ["config", "set", ...(secret ? ["--secret"] : []), key, value],
        secret ? [4] : [],
      );
    }

    step("Create both environments (the worker's keys are registered on-chain first)");
    await pulumi(session, ["up", "--yes"]);

    step("Change: add FEATURE_FLAG to the worker (a key-set change), rotate API_TOKEN on the web app");
    await pulumi(session, ["config", "set", "featureFlag", "on"]);
    await pulumi(session, ["config", "set", "--secret", "apiToken", "demo-token-0002"], [4]);
    await pulumi(session, ["preview", "--diff"]);
    await pulumi(session, ["up", "--yes", "--skip-preview"]);

    step("Drift: a key removed outside Pulumi (through the emulator's inspection API)");
    say(
      `\n$ curl -X PUT ${emulator.inspectUrl}/cvms/${web.id}/allowed_envs -d '{"allowed_envs":["LOG_LEVEL"]}'`,
    );
    const drift = await fetch(`${emulator.inspectUrl}/cvms/${web.id}/allowed_envs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ allowed_envs: ["LOG_LEVEL"] }),
    });
    if (!drift.ok) throw new Error(`the emulator refused the drift: ${drift.status}`);
    say(`  allowed_envs of ${web.name}: ${JSON.stringify(emulator.inspectCvm(web.id).allowed_envs)}`);
    await pulumi(session, ["refresh", "--yes", "--skip-preview"]);
    await pulumi(session, ["preview", "--diff"]);

    step("Destroy: clear both environments");
    await pulumi(session, ["destroy", "--yes", "--skip-preview"]);
    say(`\n   keys left on the worker CVM: ${JSON.stringify(emulator.inspectCvm(worker.id).allowed_envs)}`);
  } finally {
    session.dispose();
    workspace.dispose();
    await emulator.stop();
  }
  step("Done: emulator and chain stopped, temporary project and state removed");
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
