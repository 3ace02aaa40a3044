// Makes `pulumi-phala` resolvable by name from every program in this repository.
// Pulumi's dynamic-provider host loads the serialized provider with require-from-string, whose
// module has no filename, so Node's package self-reference does not apply there: the host finds
// `pulumi-phala/provider` only through a node_modules folder. Runs as `prepare`, which npm runs for
// local installs only, never when the package is installed as a dependency.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const link = join(root, "node_modules", "pulumi-phala");
mkdirSync(dirname(link), { recursive: true });
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === "..") process.exit(0);
  rmSync(link, { recursive: true, force: true });
} catch {
  // no link yet
}
symlinkSync("..", link, "dir");
