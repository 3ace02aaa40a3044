import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Environment variable naming another checkout of dstack's `kms/auth-eth/contracts`. */
export const DSTACK_CONTRACTS_ENV = "DSTACK_CONTRACTS_DIR";

/** The `.sol` files the emulator compiles (upstream names). */
export const DSTACK_SOURCE_FILES = [
  "DstackApp.sol",
  "DstackKms.sol",
  "IAppAuth.sol",
  "IAppAuthBasicManagement.sol",
] as const;

/** The repository root: the nearest directory above this module with the project's package.json. */
function repositoryRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && /"name":\s*"pulumi-phala"/.test(readFileSync(manifest, "utf8"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("emulator: cannot find the pulumi-phala repository root");
    dir = parent;
  }
}

/**
 * Where the real dstack contracts are: `$DSTACK_CONTRACTS_DIR`, else `../shared/third_party/dstack-contracts`
 * beside the repository. Throws a clear error when the files are absent.
 */
export function dstackContractsDir(): string {
  const fromEnv = process.env[DSTACK_CONTRACTS_ENV];
  const dir = fromEnv
    ? resolve(fromEnv)
    : join(repositoryRoot(), "..", "shared", "third_party", "dstack-contracts");
  const missing = DSTACK_SOURCE_FILES.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) {
    throw new Error(
      `emulator: the dstack contracts are missing in ${dir} (${missing.join(", ")}). Put github.com/Dstack-TEE/dstack ` +
        `kms/auth-eth/contracts (commit 312dc605ebaaf93372534ffb135ea011533d28e9) at ../shared/third_party/dstack-contracts ` +
        `beside the repository, or set ${DSTACK_CONTRACTS_ENV} to a directory holding ${DSTACK_SOURCE_FILES.join(", ")}.`,
    );
  }
  return dir;
}

/** The dstack sources by upstream file name. */
export function readDstackSources(dir = dstackContractsDir()): Record<string, string> {
  return Object.fromEntries(DSTACK_SOURCE_FILES.map((file) => [file, readFileSync(join(dir, file), "utf8")]));
}

/** Reads an `@openzeppelin/…` import from the exact-pinned npm packages. */
export function readOpenZeppelinImport(path: string): string {
  return readFileSync(require.resolve(path), "utf8");
}

/** The installed versions of the two OpenZeppelin packages (part of the compile cache key). */
export function openZeppelinVersions(): Record<string, string> {
  const version = (pkg: string) =>
    (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
  return {
    "@openzeppelin/contracts": version("@openzeppelin/contracts"),
    "@openzeppelin/contracts-upgradeable": version("@openzeppelin/contracts-upgradeable"),
  };
}
