import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const REPO_ROOT = join(__dirname, "..", "..");

let packed: Promise<string> | undefined;

/**
 * The `npm pack` tarball of this checkout, what a user installs from the registry; packed once per
 * process and removed when it exits. Needs the build (`dist/`), which the package's `files` ship.
 */
export function packageTarball(): Promise<string> {
  packed ??= pack();
  return packed;
}

async function pack(): Promise<string> {
  if (!existsSync(join(REPO_ROOT, "dist", "sdk", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` before packing pulumi-phala");
  }
  const destination = mkdtempSync(join(tmpdir(), "pulumi-phala-pack-"));
  process.once("exit", () => rmSync(destination, { recursive: true, force: true }));
  const { stdout } = await promisify(execFile)(
    "npm",
    ["pack", "--ignore-scripts", "--silent", "--pack-destination", destination],
    { cwd: REPO_ROOT },
  );
  const file = stdout.trim().split("\n").at(-1);
  if (!file) throw new Error("npm pack named no tarball");
  return join(destination, file);
}
