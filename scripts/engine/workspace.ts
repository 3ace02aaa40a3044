import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { packageTarball } from "./tarball";

const PackageJsonSchema = z.looseObject({
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});

/**
 * A directory outside this checkout where Pulumi projects run as users run them: `pulumi-phala` is
 * installed from its `npm pack` tarball (never the repository's self-link), once, into the
 * workspace's node_modules, which every project directory copied in below it resolves from.
 */
export interface Workspace {
  readonly dir: string;
  /** Copies a project directory (Pulumi.yaml, program, package.json) in; returns its path. */
  addProject(sourceDir: string, name?: string): string;
  dispose(): void;
}

/** `templateProject`'s package.json names the dependencies; `pulumi-phala` comes from the tarball. */
export async function createWorkspace(
  templateProject: string,
  options: { onProgress?: (line: string) => void } = {},
): Promise<Workspace> {
  const tarball = await packageTarball();
  const dir = mkdtempSync(join(tmpdir(), "pulumi-phala-projects-"));
  const { dependencies, devDependencies } = withTarball(readManifest(templateProject), tarball);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ private: true, dependencies, devDependencies }, null, 2),
  );
  options.onProgress?.(`npm install ${basename(tarball)} and the project's dependencies`);
  try {
    await promisify(execFile)(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: dir, env: withoutDevHooks(process.env) },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    addProject(sourceDir, name = basename(sourceDir)) {
      const target = join(dir, name);
      cpSync(sourceDir, target, {
        recursive: true,
        filter: (source) => !/(^|\/)(node_modules|bin)$/.test(source),
      });
      const own = join(target, "package.json");
      writeFileSync(own, JSON.stringify(withTarball(readManifest(target), tarball), null, 2));
      return target;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readManifest(projectDir: string): z.infer<typeof PackageJsonSchema> {
  return PackageJsonSchema.parse(JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")));
}

function withTarball(manifest: z.infer<typeof PackageJsonSchema>, tarball: string) {
  return { ...manifest, dependencies: { ...manifest.dependencies, "pulumi-phala": `file:${tarball}` } };
}

/** The test runner's loader hooks must not reach npm, the CLI or the programs it runs. */
export function withoutDevHooks(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _options, TS_NODE_PROJECT: _project, ...rest } = env;
  return rest;
}

let shared: Promise<Workspace> | undefined;

/** One workspace per process (one install per test run), removed when the process exits. */
export function sharedWorkspace(templateProject: string): Promise<Workspace> {
  if (!shared) {
    shared = createWorkspace(templateProject);
    shared.then(
      (workspace) => process.once("exit", () => workspace.dispose()),
      () => undefined,
    );
  }
  return shared;
}
