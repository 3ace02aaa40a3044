import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { pulumiCliBinDir, pulumiCliRoot } from "./pulumi-cli";

export interface LocalEngineOptions {
  projectName: string;
  /** Absolute directory of the program; the engine starts the dynamic-provider host there. */
  main: string;
  stackName: string;
  program: PulumiFn;
  /** Extra environment for the engine and the provider host. */
  envVars?: Record<string, string>;
}

export interface LocalEngine {
  stack: Stack;
  /** Everything the engine writes (PULUMI_HOME, file backend, stack settings), removed by `dispose`. */
  stateDir: string;
  dispose(): Promise<void>;
}

/**
 * A stack on the real engine, fully offline: temporary PULUMI_HOME and work dir, local file
 * backend, passphrase secrets, no update checks or plugin downloads. The program runs inline (in
 * this process); the provider runs in the dynamic-provider host the engine starts in `main`.
 */
export async function createLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  isolateProgramConnections();
  const binDir = pulumiCliBinDir();
  const stateDir = mkdtempSync(join(tmpdir(), "pulumi-phala-engine-"));
  const backend = join(stateDir, "backend");
  const workDir = join(stateDir, "work");
  mkdirSync(backend);
  mkdirSync(workDir);
  const envVars: Record<string, string> = {
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
    PULUMI_CONFIG_PASSPHRASE: "local-engine-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...options.envVars,
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: options.projectName, stackName: options.stackName, program: options.program },
    {
      workDir,
      pulumiHome: join(stateDir, "home"),
      pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(binDir) }),
      secretsProvider: "passphrase",
      envVars,
      projectSettings: {
        name: options.projectName,
        runtime: "nodejs",
        main: options.main,
        backend: { url: `file://${backend}` },
      },
    },
  );
  return {
    stack,
    stateDir,
    async dispose() {
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Inline programs of many engine runs share this process, and grpc-js shares connections to equal
 * addresses through a process-wide subchannel pool. When a new engine listens on a port an earlier,
 * finished engine used, the program's client can pick up that dead connection and fail with
 * `14 UNAVAILABLE: No connection established`. Each client gets its own pool instead. A program
 * run by the CLI (one engine per process, as users run it) never meets this.
 */
function isolateProgramConnections(): void {
  // The SDK's client options are internal (not in its typings), read by every client it creates.
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    grpcClientOptions?: Record<string, unknown>;
  };
  if (!settings.grpcClientOptions) throw new Error("@pulumi/pulumi no longer exposes grpcClientOptions");
  settings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;
}
