import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";

const REPO_ROOT = join(__dirname, "..", "..");

let cached: string | undefined;

/**
 * The directory holding a `pulumi` CLI of the same version as our @pulumi/pulumi, built into a
 * cache outside the clone on first use (scripts/pulumi-cli.sh shows its progress on stderr).
 */
export function pulumiCliBinDir(): string {
  if (cached) return cached;
  const result = spawnSync("bash", [join(REPO_ROOT, "scripts", "pulumi-cli.sh")], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const binDir = result.stdout.trim().split("\n").at(-1);
  if (result.status !== 0 || !binDir) {
    throw new Error(`could not provide the pulumi CLI (scripts/pulumi-cli.sh exited ${result.status})`);
  }
  cached = binDir;
  return binDir;
}

/** The Automation API's installation root for a bin directory (`<root>/bin/pulumi`). */
export function pulumiCliRoot(binDir: string): string {
  return dirname(binDir);
}
