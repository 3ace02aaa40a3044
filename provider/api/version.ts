import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The response shapes this client parses are the ones selected by this API version. */
export const PHALA_API_VERSION = "2026-01-21";

export const DEFAULT_BASE_URL = "https://cloud-api.phala.com/api/v1";

const PACKAGE_NAME = "pulumi-phala";

/**
 * The version of this package, read from its package.json. The file is found by walking up from
 * this module, so the same code works from the sources and from the compiled `dist/` tree.
 */
function readPackageVersion(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (
        typeof parsed === "object" &&
        parsed !== null &&
        "name" in parsed &&
        parsed.name === PACKAGE_NAME &&
        "version" in parsed &&
        typeof parsed.version === "string"
      ) {
        return parsed.version;
      }
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return "0.0.0-unknown";
}

const PACKAGE_VERSION = readPackageVersion();

export const DEFAULT_USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
