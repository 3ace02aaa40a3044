import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pulumiCliBinDir } from "./pulumi-cli";
import { withoutDevHooks } from "./workspace";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Each line of stdout and stderr as it arrives (the demo shows them live). */
  readonly onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Resolve with a non-zero exit code instead of rejecting. */
  readonly allowFailure?: boolean;
}

/**
 * The `pulumi` CLI in a project directory, as a user runs it, without an account: a local file
 * backend (PULUMI_BACKEND_URL), passphrase secrets, a PULUMI_HOME of its own, no update checks and
 * no plugin downloads. Everything it writes lives under `stateDir`, removed by `dispose`.
 */
export interface PulumiSession {
  readonly projectDir: string;
  readonly stateDir: string;
  /** The backend's directory (`<backend>/.pulumi/stacks/<project>/<stack>.json`). */
  readonly backendDir: string;
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  dispose(): void;
}

export const PASSPHRASE = "local-passphrase";

export function pulumiSession(projectDir: string, env: Record<string, string> = {}): PulumiSession {
  const binDir = pulumiCliBinDir();
  const stateDir = mkdtempSync(join(tmpdir(), "pulumi-phala-state-"));
  const backendDir = join(stateDir, "backend");
  mkdirSync(backendDir);
  const environment: NodeJS.ProcessEnv = {
    ...withoutDevHooks(process.env),
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: join(stateDir, "home"),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_COLOR: "1",
    ...env,
  };
  return {
    projectDir,
    stateDir,
    backendDir,
    run: (args, options = {}) => runCli(join(binDir, "pulumi"), args, projectDir, environment, options),
    dispose() {
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

function runCli(
  pulumi: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunOptions,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pulumi, [...args, "--color", "never"], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = { stdout: "", stderr: "" };
    for (const stream of ["stdout", "stderr"] as const) {
      let pending = "";
      child[stream].setEncoding("utf8");
      child[stream].on("data", (chunk: string) => {
        out[stream] += chunk;
        if (!options.onLine) return;
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) options.onLine(line, stream);
      });
      child[stream].on("end", () => {
        if (pending && options.onLine) options.onLine(pending, stream);
      });
    }
    child.on("error", reject);
    child.on("close", (code) => {
      const result = { code: code ?? 1, ...out };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else {
        const tail = `${out.stdout}\n${out.stderr}`.trim().split("\n").slice(-25).join("\n");
        reject(new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${tail}`));
      }
    });
  });
}
